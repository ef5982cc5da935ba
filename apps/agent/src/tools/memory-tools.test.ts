// remember, recall and forget over a real SemanticMemory in a real SQLite file.
import { describe, expect, it } from 'vitest';
import { ToolError } from './agent-tool.js';
import { createForgetTool, createRecallTool, createRememberTool, formatFact } from './memory-tools.js';
import { useTemporarySemanticMemory } from './testing/temporary-semantic-memory.js';
import { toolCallContext } from './testing/tool-call-context.js';

const store = useTemporarySemanticMemory('klody-agent-memory-tools-');
const context = toolCallContext();

describe('the memory tools', () => {
  it('declare their effects: remember writes, recall reads untrusted text, forget destroys', () => {
    expect(createRememberTool(store.memory)).toMatchObject({
      name: 'remember',
      effect: 'write',
      untrustedOutput: false,
    });
    expect(createRecallTool(store.memory)).toMatchObject({
      name: 'recall',
      effect: 'read',
      untrustedOutput: true,
    });
    expect(createForgetTool(store.memory)).toMatchObject({ name: 'forget', effect: 'destructive' });
  });

  it('remember stores a fact once; the same fact again is known, not stored twice', async () => {
    const remember = createRememberTool(store.memory);
    const first = await remember.execute(
      remember.inputSchema.parse({ fact: "L'utilisateur habite à Lyon." }),
      context,
    );
    expect(first.text).toMatch(/^Remembered as memory #(\d+)\.$/);
    const again = await remember.execute({ fact: "l'utilisateur habite à Lyon" }, context);
    const id = Number(/#(\d+)/.exec(first.text)?.[1]);
    expect(again.text).toBe(`Already known as memory #${id} (seen 2 times).`);
    expect(store.memory.list().filter((fact) => fact.text.includes('Lyon'))).toHaveLength(1);
  });

  it('recall finds memories by words and numbers them; nothing found is said plainly', async () => {
    const remember = createRememberTool(store.memory);
    await remember.execute({ fact: 'The user plays the cello on Sundays.' }, context);
    const recall = createRecallTool(store.memory);
    const found = await recall.execute(recall.inputSchema.parse({ query: 'cello' }), context);
    const cello = store.memory.list().find((fact) => fact.text.includes('cello'));
    expect(found.text).toBe(`1 memory about "cello":\n#${cello?.id}: The user plays the cello on Sundays.`);
    expect(await recall.execute({ query: 'submarine' }, context)).toEqual({
      text: 'No memory about "submarine".',
      data: { facts: [] },
    });
  });

  it('forget deletes a memory by number and says what it deleted; an unknown number is an error', async () => {
    const { fact } = await store.memory.remember('The user is allergic to peanuts.');
    const forget = createForgetTool(store.memory);
    const output = await forget.execute(forget.inputSchema.parse({ id: fact.id }), context);
    expect(output.text).toBe(`Forgot memory #${fact.id}: The user is allergic to peanuts.`);
    expect(await store.memory.recall('peanuts')).toEqual([]);
    await expect(forget.execute({ id: fact.id }, context)).rejects.toThrow(ToolError);
    await expect(forget.execute({ id: fact.id }, context)).rejects.toThrow(`there is no memory #${fact.id}`);
  });

  it('refuses empty or oversized input at the schema', () => {
    expect(createRememberTool(store.memory).inputSchema.safeParse({ fact: '   ' }).success).toBe(false);
    expect(createRememberTool(store.memory).inputSchema.safeParse({ fact: 'x'.repeat(1_001) }).success).toBe(
      false,
    );
    expect(createForgetTool(store.memory).inputSchema.safeParse({ id: 0 }).success).toBe(false);
  });
});

it('formats a memory on one line, naming kinds other than fact', () => {
  expect(formatFact({ id: 3, kind: 'session_summary', text: 'Asked about\nCandide.' })).toBe(
    '#3 (session_summary): Asked about Candide.',
  );
});
