import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentTool } from './agent-tool.js';
import { createToolRegistry, DuplicateToolError } from './tool-registry.js';

function tool(name: string, effect: AgentTool['effect'] = 'read'): AgentTool {
  return {
    name,
    description: `the ${name} tool`,
    inputSchema: z.object({}),
    effect,
    untrustedOutput: false,
    execute: async () => ({ text: name }),
  };
}

describe('the tool registry', () => {
  it('finds tools by name and lists them in registration order', () => {
    const registry = createToolRegistry([tool('search_books'), tool('remove_book', 'destructive')]);
    registry.register(tool('speak', 'write'));
    expect(registry.names()).toEqual(['search_books', 'remove_book', 'speak']);
    expect(registry.list().map((entry) => entry.effect)).toEqual(['read', 'destructive', 'write']);
    expect(registry.get('remove_book')?.description).toBe('the remove_book tool');
    expect(registry.has('speak')).toBe(true);
    expect(registry.get('delete_everything')).toBeUndefined();
  });

  it('says unknown for the effect of a tool it does not hold', () => {
    const registry = createToolRegistry([tool('forget', 'destructive')]);
    expect(registry.effectOf('forget')).toBe('destructive');
    expect(registry.effectOf('Forget')).toBe('unknown');
  });

  it('refuses a second tool of the same name and keeps the first', () => {
    const registry = createToolRegistry([tool('recall', 'read')]);
    expect(() => registry.register(tool('recall', 'destructive'))).toThrow(DuplicateToolError);
    expect(() => createToolRegistry([tool('a'), tool('a')])).toThrow(/"a" is already registered/);
    expect(registry.effectOf('recall')).toBe('read');
    expect(registry.list()).toHaveLength(1);
  });

  it('refuses a name that tool calling cannot carry', () => {
    expect(() => createToolRegistry([tool('search books')])).toThrow(/not a valid tool name/);
    expect(() => createToolRegistry([tool('')])).toThrow(/not a valid tool name/);
  });
});
