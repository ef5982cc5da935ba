// The embedder migration on a real SQLite database (in memory) with fake embedders: which change
// leads to a relabel, a rebuild or nothing, and what a stale index under the same id does.
import {
  createCachedEmbedder,
  createIngester,
  type Embedder,
  getActiveVectorIndex,
  migrate,
} from '@klody/memory';
import { createFakeEmbedder, createInMemoryDatabase } from '@klody/memory/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbedderMigration } from './embedder-migration.js';

/** A fake embedder under `id` whose vectors are the hashing embedder's, reversed: another model. */
function fakeOtherModel(id: string): Embedder {
  const base = createFakeEmbedder({ dimensions: 16, id });
  return {
    ...base,
    async embed(texts, options) {
      return (await base.embed(texts, options)).map((vector) => vector.slice().reverse());
    },
  };
}

const documents = Array.from({ length: 6 }, (_, index) => ({
  uri: `memory://book-${index}`,
  title: `Book ${index}`,
  text: `The keeper of lighthouse ${index} lit the lamp. The storm broke the glass of tower ${index}.`,
}));

describe('createEmbedderMigration', () => {
  const databases: ReturnType<typeof createInMemoryDatabase>[] = [];
  afterEach(() => {
    for (const database of databases.splice(0)) database.close();
  });

  async function library(embedder: Embedder | null) {
    const database = createInMemoryDatabase();
    databases.push(database);
    await migrate(database);
    const ingester = createIngester({
      database,
      embedder: embedder ? createCachedEmbedder({ embedder, database }) : null,
    });
    await ingester.ingest(documents);
    return database;
  }

  it('does nothing for the same embedder, relabels for the same vectors under another id', async () => {
    const database = await library(createFakeEmbedder({ dimensions: 16, id: 'openai:embed' }));
    const logs: string[] = [];
    const migration = createEmbedderMigration({ database, log: (line) => logs.push(line) });
    expect(migration.status().state).toBe('idle');
    expect(
      await migration.run(createFakeEmbedder({ dimensions: 16, id: 'openai:embed' }), { verify: true }),
    ).toMatchObject({ state: 'done', mode: 'unchanged' });
    expect(await migration.run(createFakeEmbedder({ dimensions: 16, id: 'openai:e5' }))).toMatchObject({
      state: 'done',
      mode: 'relabelled',
      from: 'openai:embed',
      to: 'openai:e5',
    });
    expect(getActiveVectorIndex(database.getConnection())?.embedderId).toBe('openai:e5');
    expect(logs.at(-1)).toMatch(/relabelled, nothing re-embedded/);
  });

  it('rebuilds for books without vectors, with progress up to every passage', async () => {
    const database = await library(null);
    const migration = createEmbedderMigration({ database });
    const status = await migration.run(createFakeEmbedder({ dimensions: 16, id: 'openai:embed' }));
    const chunks = database.getConnection().prepare('SELECT count(*) FROM memory_chunks').pluck().get();
    expect(status).toMatchObject({ state: 'done', mode: 'rebuilt', from: null, done: chunks, total: chunks });
    expect(getActiveVectorIndex(database.getConnection())?.embedderId).toBe('openai:embed');
  });

  it('rebuilds an index whose id now gives other vectors, and drops the stale cached embeddings', async () => {
    const database = await library(createFakeEmbedder({ dimensions: 16, id: 'openai:embed' }));
    const connection = database.getConnection();
    const cached = () =>
      connection
        .prepare("SELECT count(*) FROM memory_embedding_cache WHERE embedder_id LIKE 'openai:embed%'")
        .pluck()
        .get();
    expect(cached()).toBeGreaterThan(0);
    const migration = createEmbedderMigration({ database });
    // Without `verify` the id alone is compared: nothing seen.
    expect(await migration.run(fakeOtherModel('openai:embed'))).toMatchObject({ mode: 'unchanged' });
    const status = await migration.run(fakeOtherModel('openai:embed'), { verify: true });
    expect(status).toMatchObject({
      state: 'done',
      mode: 'rebuilt',
      from: 'openai:embed',
      to: 'openai:embed',
    });
    expect(cached()).toBe(0);
    const active = getActiveVectorIndex(connection);
    expect(active?.embedderId).toBe('openai:embed');
    // The stale index is gone: one index left, active.
    expect(connection.prepare('SELECT count(*) FROM memory_vector_indexes').pluck().get()).toBe(1);
    expect(await migration.run(fakeOtherModel('openai:embed'), { verify: true })).toMatchObject({
      mode: 'unchanged',
    });
  });

  it('reports a failure and resumes on the next run', async () => {
    const database = await library(null);
    const migration = createEmbedderMigration({ database });
    const working = createFakeEmbedder({ dimensions: 16, id: 'openai:embed' });
    let calls = 0;
    const failing: Embedder = {
      ...working,
      async embed(texts, options) {
        calls++;
        if (calls === 1) throw new Error('the gateway went away');
        return working.embed(texts, options);
      },
    };
    expect(await migration.run(failing)).toMatchObject({ state: 'failed', error: 'the gateway went away' });
    expect(await migration.run(failing)).toMatchObject({ state: 'done', mode: 'rebuilt' });
  });
});
