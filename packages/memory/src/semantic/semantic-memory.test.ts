import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { describe, expect, it } from 'vitest';
import { createModel2VecEmbedder } from '../embedder/model2vec-embedder.js';
import { migrate } from '../store/migrate.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { createSemanticMemory } from './semantic-memory.js';

async function setup() {
  const database = createInMemoryDatabase();
  await migrate(database);
  return database;
}

describe('semantic memory without an embedder', () => {
  it('keeps one row for the same fact, counts repeats and never deletes it for repeating', async () => {
    let now = 1_000;
    const memory = createSemanticMemory({ database: await setup(), clock: () => now });
    const first = await memory.remember('The user prefers French answers.', {
      kind: 'preference',
      tags: ['lang'],
    });
    expect(first.created).toBe(true);
    now = 2_000;
    const again = await memory.remember('the user prefers  French answers', {
      kind: 'preference',
      tags: ['style'],
    });
    expect(again).toMatchObject({
      created: false,
      fact: { id: first.fact.id, repeats: 2, createdAt: 1_000, lastSeenAt: 2_000 },
    });
    expect(again.fact.tags).toEqual(['lang', 'style']);
    expect(memory.list()).toHaveLength(1);
    const other = await memory.remember('The user lives in Lyon.');
    expect(other.created).toBe(true);
    expect(memory.list()).toHaveLength(2);
  });

  it('recalls by words (stemmed, both languages), filters by kind and tags, and forgets', async () => {
    const memory = createSemanticMemory({ database: await setup() });
    const lyon = await memory.remember("L'utilisateur habite à Lyon depuis 2019.", {
      kind: 'fact',
      tags: ['home'],
    });
    await memory.remember('The user likes long walks by the sea.', { kind: 'preference' });
    expect((await memory.recall('Où habite-t-il ?'))[0]?.id).toBe(lyon.fact.id);
    expect((await memory.recall('walking', { kind: 'preference' }))[0]?.text).toMatch(/walks/);
    expect(await memory.recall('walking', { kind: 'fact' })).toEqual([]);
    expect((await memory.recall('Lyon', { tags: ['home'] })).map((fact) => fact.id)).toEqual([lyon.fact.id]);
    expect(await memory.forget(lyon.fact.id)).toBe(true);
    expect(await memory.forget(lyon.fact.id)).toBe(false);
    expect(await memory.recall('Lyon')).toEqual([]);
  });

  it('recalls a French fact from one French word, whose language no stop word tells', async () => {
    const memory = createSemanticMemory({ database: await setup() });
    const cello = await memory.remember("L'utilisateur joue du violoncelle le samedi.", { kind: 'fact' });
    await memory.remember('The user plays tennis on Sundays.', { kind: 'fact' });
    // English stemming alone gives "violoncell"; the fact was indexed as French, "violoncel".
    expect((await memory.recall('violoncelle')).map((fact) => fact.id)).toEqual([cello.fact.id]);
    expect((await memory.recall('tennis')).map((fact) => fact.text)).toEqual([
      'The user plays tennis on Sundays.',
    ]);
  });

  it('keeps namespaces apart', async () => {
    const database = await setup();
    const alice = createSemanticMemory({ database, namespace: 'alice' });
    const bob = createSemanticMemory({ database, namespace: 'bob' });
    await alice.remember('Alice owns a red bicycle.');
    expect(await bob.recall('bicycle')).toEqual([]);
    expect(bob.list()).toEqual([]);
  });
});

describeRequiring(
  { data: ['models/model2vec-tiny/model.safetensors'] },
  'semantic memory with model2vec-tiny',
  () => {
    it('merges a near-duplicate worded differently and recalls by meaning', async () => {
      const embedder = await createModel2VecEmbedder({ modelPath: testDataPath('models', 'model2vec-tiny') });
      const memory = createSemanticMemory({ database: await setup(), embedder });
      const first = await memory.remember('The meeting with the bank is on Monday morning.');
      const near = await memory.remember('The meeting with the bank is on Monday morning!!');
      expect(near).toMatchObject({ created: false, fact: { id: first.fact.id, repeats: 2 } });
      const distinct = await memory.remember('Stock prices fell sharply after the announcement.');
      expect(distinct.created).toBe(true);
      const recalled = await memory.recall('shares dropped on the market');
      expect(recalled[0]?.id).toBe(distinct.fact.id);
    });
  },
);
