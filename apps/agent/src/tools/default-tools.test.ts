// The default tool set as the agent registers it: names, effects, untrusted outputs, the parameter
// docs the model sees, and organs that are disabled.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentTool } from './agent-tool.js';
import { createDefaultTools, type DefaultToolsDependencies } from './default-tools.js';
import { createFakeChatModel } from './testing/fake-chat-model.js';
import { useTemporarySemanticMemory } from './testing/temporary-semantic-memory.js';
import { toolCallContext } from './testing/tool-call-context.js';
import { createToolRegistry } from './tool-registry.js';

const store = useTemporarySemanticMemory('klody-agent-default-tools-');
const context = toolCallContext();

function tools(overrides: Partial<DefaultToolsDependencies> = {}): AgentTool[] {
  return createDefaultTools({
    libraryBrainURL: 'http://127.0.0.1:8765',
    vocalBrainURL: 'http://127.0.0.1:8600',
    composeURL: null,
    memory: store.memory,
    model: createFakeChatModel(() => 'summary'),
    audioFolder: join(store.folder, 'audio'),
    ...overrides,
  });
}

describe('createDefaultTools', () => {
  it('gives every tool of the issue its effect and whether its output is untrusted', () => {
    const table = tools().map((tool) => [tool.name, tool.effect, tool.untrustedOutput]);
    expect(table).toEqual([
      ['search_books', 'read', true],
      ['ask_books', 'read', true],
      ['remove_book', 'destructive', false],
      ['speak', 'write', false],
      ['transcribe', 'read', true],
      ['remember', 'write', false],
      ['recall', 'read', true],
      ['forget', 'destructive', false],
      ['summarize', 'read', false],
      ['current_time', 'read', false],
    ]);
    // They register together: no two share a name.
    expect(createToolRegistry(tools()).names()).toHaveLength(10);
  });

  it('adds compose only when the compose daemon has a URL', () => {
    const withCompose = tools({ composeURL: 'http://127.0.0.1:9100' });
    expect(withCompose.map((tool) => tool.name)).toContain('compose');
    expect(withCompose.find((tool) => tool.name === 'compose')?.effect).toBe('write');
    expect(tools().map((tool) => tool.name)).not.toContain('compose');
  });

  it('documents every parameter for the model, in short descriptions', () => {
    for (const tool of tools({ composeURL: 'http://127.0.0.1:9100' })) {
      expect(tool.description.length, tool.name).toBeLessThanOrEqual(120);
      const schema = z.toJSONSchema(tool.inputSchema) as {
        type: string;
        properties: Record<string, { description?: string }>;
      };
      expect(schema.type, tool.name).toBe('object');
      for (const [name, property] of Object.entries(schema.properties)) {
        expect(property.description, `${tool.name}.${name}`).toMatch(/\S/);
        expect(property.description?.length ?? 0, `${tool.name}.${name}`).toBeLessThanOrEqual(130);
      }
    }
  });

  it('keeps the tools of a disabled organ, which say it is disabled and how to enable it', async () => {
    const disabled = tools({ libraryBrainURL: null, vocalBrainURL: null });
    const byName = new Map(disabled.map((tool) => [tool.name, tool]));
    await expect(byName.get('search_books')?.execute({ query: 'lamp' }, context)).rejects.toThrow(
      'Library Brain is disabled (KLODY_LIBRARY_BRAIN_URL=none). To use it, set KLODY_LIBRARY_BRAIN_URL to its URL (e.g. http://127.0.0.1:8765) and restart the agent.',
    );
    await expect(byName.get('remove_book')?.execute({ book: 3 }, context)).rejects.toThrow(
      /Library Brain is disabled/,
    );
    await expect(byName.get('speak')?.execute({ text: 'Hello' }, context)).rejects.toThrow(
      /^VocalBrain is disabled \(KLODY_VOCALBRAIN_URL=none\)\. To use it, set KLODY_VOCALBRAIN_URL/,
    );
    await expect(byName.get('transcribe')?.execute({ path: 'a.wav' }, context)).rejects.toThrow(
      /VocalBrain is disabled/,
    );
  });

  it('answers the time from the injected clock', async () => {
    const clock = tools({ now: () => new Date('2026-01-01T00:00:00Z') }).find(
      (tool) => tool.name === 'current_time',
    );
    const output = await clock?.execute({ timezone: 'UTC' }, context);
    expect(output?.text).toBe('It is Thursday 1 January 2026, 00:00 (UTC, UTC+00:00).');
  });
});
