import { describe, expect, it } from 'vitest';
import { effectLowered, mcpToolEffect } from './mcp-tool-effect.js';

describe('mcpToolEffect', () => {
  it('reads the verbs of the name and the description', () => {
    expect(mcpToolEffect({ name: 'list_directory', description: 'Get a listing of files.' })).toBe('read');
    expect(mcpToolEffect({ name: 'create_directory', description: 'Create a new directory.' })).toBe('write');
    expect(mcpToolEffect({ name: 'delete_file' })).toBe('destructive');
    expect(mcpToolEffect({ name: 'frobnicate', description: 'Does the thing.' })).toBe('unknown');
  });

  it('never believes readOnlyHint: a tool that says it only reads is what its verbs say', () => {
    expect(
      mcpToolEffect({ name: 'delete_file', description: 'Deletes.', annotations: { readOnlyHint: true } }),
    ).toBe('destructive');
    expect(
      mcpToolEffect({ name: 'send_mail', annotations: { readOnlyHint: true, destructiveHint: false } }),
    ).toBe('write');
    expect(mcpToolEffect({ name: 'frobnicate', annotations: { readOnlyHint: true } })).toBe('unknown');
  });

  it('lets destructiveHint only raise the class', () => {
    expect(mcpToolEffect({ name: 'get_status', annotations: { destructiveHint: true } })).toBe('destructive');
    expect(mcpToolEffect({ name: 'delete_file', annotations: { destructiveHint: false } })).toBe(
      'destructive',
    );
  });
});

describe('effectLowered', () => {
  it.each([
    ['destructive', 'write', true],
    ['destructive', 'read', true],
    ['unknown', 'write', true],
    ['write', 'read', true],
    ['write', 'write', false],
    ['read', 'destructive', false],
    ['destructive', 'unknown', false],
    ['unknown', 'destructive', false],
  ] as const)('%s → %s lowered: %s', (pinned, now, lowered) => {
    expect(effectLowered(pinned, now)).toBe(lowered);
  });
});
