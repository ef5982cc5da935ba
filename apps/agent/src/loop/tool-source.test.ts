import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentTool } from '../tools/agent-tool.js';
import { createToolSource, type DynamicTools } from './tool-source.js';

const tool = (name: string, jsonSchema?: Record<string, unknown>): AgentTool => ({
  name,
  description: `${name} tool`,
  inputSchema: z.object({ text: z.string() }),
  ...(jsonSchema ? { jsonSchema } : {}),
  effect: 'read',
  untrustedOutput: false,
  execute: async () => ({ text: name }),
});

/** A fake of the MCP server set: tools set by the test. */
function fakeDynamicTools() {
  const state = {
    version: 'v1',
    tools: [] as AgentTool[],
    unavailable: new Map<string, string>(),
    readyCalls: 0,
  };
  const dynamic: DynamicTools = {
    snapshot: () => ({ version: state.version, tools: state.tools, unavailable: state.unavailable }),
    ready: async () => {
      state.readyCalls++;
    },
  };
  return { state, dynamic };
}

describe('createToolSource', () => {
  it('gives the fixed tools alone when there is nothing dynamic', async () => {
    const source = createToolSource([tool('current_time')]);
    expect([...source.current().byName.keys()]).toEqual(['current_time']);
    expect(Object.keys(source.current().declared)).toEqual(['current_time']);
    await source.ready();
  });

  it('adds the dynamic tools of the moment, declared with their own JSON Schema, never over a fixed name', () => {
    const { state, dynamic } = fakeDynamicTools();
    const source = createToolSource([tool('current_time')], dynamic);
    expect([...source.current().byName.keys()]).toEqual(['current_time']);

    state.version = 'v2';
    state.tools = [
      tool('files__read', { type: 'object', properties: { path: { type: 'string' } }, $schema: 'x' }),
      tool('current_time'),
    ];
    state.unavailable = new Map([['files__write', 'changed']]);
    const current = source.current();
    expect([...current.byName.keys()]).toEqual(['current_time', 'files__read']);
    expect(current.byName.get('current_time')?.description).toBe('current_time tool');
    expect(Object.keys(current.declared)).toEqual(['current_time', 'files__read']);
    const declared = current.declared.files__read as { inputSchema: { jsonSchema: unknown } };
    expect(declared.inputSchema.jsonSchema).toEqual({
      type: 'object',
      properties: { path: { type: 'string' } },
    });
    expect(current.unavailable.get('files__write')).toBe('changed');
    // Same version: the same object (the schemas are not built again).
    expect(source.current()).toBe(current);
  });

  it('awaits the dynamic tools when a turn begins', async () => {
    const { state, dynamic } = fakeDynamicTools();
    await createToolSource([], dynamic).ready();
    expect(state.readyCalls).toBe(1);
  });
});
