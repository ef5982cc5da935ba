import { describe, expect, it } from 'vitest';
import { syntheticDocuments } from '../../fixtures/synthetic-documents.js';
import type { Embedder } from '../embedder/embedder.js';
import { createIngester } from '../ingest/ingester.js';
import { createHybridRetriever } from '../retriever/hybrid-retriever.js';
import { migrate } from '../store/migrate.js';
import { getActiveVectorIndex, listVectorIndexes } from '../store/vector-index.js';
import { createFakeEmbedder } from '../testing/fake-embedder.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { compareEmbedders } from './compare-embedders.js';
import { migrateVectorIndex } from './migrate-vector-index.js';

function renamed(embedder: Embedder, id: string): Embedder {
  return { id, dimensions: embedder.dimensions, embed: (texts, options) => embedder.embed(texts, options) };
}

async function setup() {
  const database = createInMemoryDatabase();
  await migrate(database);
  const old = createFakeEmbedder({ dimensions: 16, id: 'fake:old' });
  await createIngester({ database, embedder: old }).ingest(syntheticDocuments(20));
  return { database, old };
}

describe('compareEmbedders', () => {
  it('gives mean and minimum cosine, and says when dimensions differ', async () => {
    const a = createFakeEmbedder({ dimensions: 16 });
    const same = await compareEmbedders(a, renamed(a, 'other'), ['whales dive', 'bread rises']);
    expect(same.mean).toBeCloseTo(1, 6);
    expect(same.minimum).toBeCloseTo(1, 6);
    const different = await compareEmbedders(a, createFakeEmbedder({ dimensions: 24 }), ['whales']);
    expect(different).toMatchObject({ comparable: false, mean: null, minimum: null });
  });
});

describe('migrateVectorIndex', () => {
  it('relabels the index without re-embedding when the new embedder reproduces the vectors', async () => {
    const { database, old } = await setup();
    const calls: number[] = [];
    const sameModel: Embedder = {
      id: 'openai:embed',
      dimensions: 16,
      embed: async (texts, options) => {
        calls.push(texts.length);
        return old.embed(texts, options);
      },
    };
    const result = await migrateVectorIndex(database, { embedder: sameModel, sampleSize: 8 });
    expect(result.mode).toBe('relabelled');
    expect(calls).toEqual([8]);
    expect(getActiveVectorIndex(database.getConnection())?.embedderId).toBe('openai:embed');
  });

  it('builds a new index while the old one serves, including chunks added meanwhile, then swaps', async () => {
    const { database, old } = await setup();
    const next = createFakeEmbedder({ dimensions: 24, id: 'fake:new' });
    const oldRetriever = createHybridRetriever({ database, embedder: old, mode: 'vector' });
    let servedDuringBuild = 0;
    let addedDuringBuild = false;
    const slowNext: Embedder = {
      id: next.id,
      dimensions: next.dimensions,
      embed: async (texts, options) => {
        // While the new index is being built, the old one answers and takes new documents.
        servedDuringBuild += (await oldRetriever.retrieve({ text: 'harbour lantern', limit: 3 })).length;
        if (!addedDuringBuild) {
          addedDuringBuild = true;
          await createIngester({ database, embedder: old }).ingest(syntheticDocuments(25).slice(20));
        }
        return next.embed(texts, options);
      },
    };
    const result = await migrateVectorIndex(database, { embedder: slowNext, batchSize: 10 });
    expect(result.mode).toBe('rebuilt');
    expect(servedDuringBuild).toBeGreaterThan(0);
    const connection = database.getConnection();
    const active = getActiveVectorIndex(connection);
    expect(active?.embedderId).toBe('fake:new');
    expect(listVectorIndexes(connection)).toHaveLength(1);
    const chunks = connection.prepare('SELECT count(*) FROM memory_chunks').pluck().get();
    expect(connection.prepare(`SELECT count(*) FROM ${active?.table}`).pluck().get()).toBe(chunks);
    const results = await createHybridRetriever({ database, embedder: next, mode: 'vector' }).retrieve({
      text: 'harbour lantern',
    });
    expect(results.length).toBeGreaterThan(0);
  });
});
