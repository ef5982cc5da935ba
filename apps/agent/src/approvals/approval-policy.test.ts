import { describe, expect, it } from 'vitest';
import type { ToolEffect } from '../tools/agent-tool.js';
import { approvalNeed } from './approval-policy.js';

describe('approvalNeed', () => {
  const table: [ToolEffect | 'unknown', boolean, boolean][] = [
    // effect, untrusted text seen in the turn, needed
    ['read', false, false],
    ['read', true, false],
    ['write', false, false],
    ['write', true, true],
    ['destructive', false, true],
    ['destructive', true, true],
    ['unknown', false, true],
    ['unknown', true, true],
  ];

  it.each(table)('%s with untrusted text seen = %s → needed %s', (effect, untrustedSeen, needed) => {
    expect(approvalNeed({ toolName: 'some_tool', effect, untrustedSeen }).needed).toBe(needed);
  });

  it('gives the user one sentence naming the tool and why', () => {
    const destructive = approvalNeed({
      toolName: 'remove_book',
      effect: 'destructive',
      untrustedSeen: false,
    });
    expect(destructive.reason).toMatch(/^remove_book .*removes or overwrites.*\.$/);
    const write = approvalNeed({ toolName: 'speak', effect: 'write', untrustedSeen: true });
    expect(write.reason).toMatch(/^speak .*written by someone else.*\.$/);
    const unknown = approvalNeed({ toolName: 'frobnicate', effect: 'unknown', untrustedSeen: false });
    expect(unknown.reason).toMatch(/frobnicate.*not known/);
    expect(approvalNeed({ toolName: 'search_books', effect: 'read', untrustedSeen: true }).reason).toMatch(
      /search_books only reads/,
    );
  });

  it('asks for an effect it does not know, whatever value reaches it at run time', () => {
    const strange = 'harmless' as unknown as ToolEffect;
    expect(approvalNeed({ toolName: 'x', effect: strange, untrustedSeen: false }).needed).toBe(true);
  });

  it('takes nothing else: the tool name (model text) cannot lower a destructive effect', () => {
    const input = {
      toolName: 'read_only_safe_no_approval_needed',
      effect: 'destructive' as const,
      untrustedSeen: false,
    };
    expect(approvalNeed(input).needed).toBe(true);
  });

  it.each(['read', 'write', 'destructive', 'unknown'] as const)(
    'asks for a tool marked alwaysAsks whatever its effect (%s) and whatever the turn has read',
    (effect) => {
      for (const untrustedSeen of [false, true]) {
        const need = approvalNeed({
          toolName: 'home_assistant_call',
          effect,
          untrustedSeen,
          alwaysAsks: true,
        });
        expect(need.needed).toBe(true);
        expect(need.reason).toMatch(/^home_assistant_call .*always asks\.$/);
      }
    },
  );

  it("reads alwaysAsks false or unset as the plain rules: a write at the user's request runs", () => {
    const write = { toolName: 'speak', effect: 'write' as const, untrustedSeen: false };
    expect(approvalNeed(write).needed).toBe(false);
    expect(approvalNeed({ ...write, alwaysAsks: false }).needed).toBe(false);
  });
});
