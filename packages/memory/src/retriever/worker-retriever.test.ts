import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import { createIngester } from '../ingest/ingester.js';
import { maintainVectorIndex } from '../store/maintain-vector-index.js';
import { migrate } from '../store/migrate.js';
import { getActiveVectorIndex } from '../store/vector-index.js';
import { createClusteredEmbedder } from '../testing/clustered-embedder.js';
import { createHybridRetriever } from './hybrid-retriever.js';
import { vectorSearch } from './vector-search.js';
import { createWorkerRetriever } from './worker-retriever.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const connectionModule = join(packageRoot, 'fixtures/read-only-connection.ts');
const words = ['tide', 'harbour', 'lantern', 'storm', 'gull', 'anchor', 'reef', 'mast'];

describe('inverted file and worker retriever on a database file', () => {
  let folder: string;
  let path: string;
  let connection: Database.Database;
  const embedder = createClusteredEmbedder({ dimensions: 32, clusters: 40 });
  const database = { getConnection: () => connection, writeLock: new Mutex() };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-worker-'));
    path = join(folder, 'memory.db');
    connection = new Database(path);
    connection.pragma('journal_mode = WAL');
    sqliteVec.load(connection);
    await migrate(database);
    const documents = Array.from({ length: 2_000 }, (_, index) => ({
      uri: `doc://${index}`,
      text: `${index % 40} ${words[index % 8]} ${words[(index * 3) % 8]} record ${index}`,
      metadata: { parity: index % 2 === 0 ? 'even' : 'odd' },
    }));
    await createIngester({ database, embedder, groupChunks: 1_000 }).ingest(documents);
  });
  afterAll(async () => {
    connection.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('partitions the index, keeps every vector, and finds the exact neighbours by probing a few partitions', async () => {
    const before = getActiveVectorIndex(connection);
    // Chosen by size: below the threshold nothing happens, above it an inverted file is built.
    expect((await maintainVectorIndex(database, { threshold: 5_000 })).action).toBe('none');
    const maintenance = await maintainVectorIndex(database, {
      threshold: 1_000,
      partitions: 32,
      seed: 1,
      bufferVectors: 300,
    });
    expect(maintenance.action).toBe('built');
    const index = maintenance.index as NonNullable<typeof maintenance.index>;
    expect(index.partitions).toBeGreaterThan(16);
    expect(getActiveVectorIndex(connection)?.id).toBe(index.id);
    expect(connection.prepare(`SELECT count(*) FROM ${index.table}`).pluck().get()).toBe(2_000);
    expect(
      connection.prepare('SELECT name FROM sqlite_master WHERE name = ?').get(before?.table),
    ).toBeUndefined();
    let overlap = 0;
    const queries = 30;
    for (let query = 0; query < queries; query++) {
      const [vector] = (await embedder.embed([`${query} query ${query * 7}`])) as [Float32Array];
      const exact = vectorSearch(connection, index, vector, { limit: 10, sourceIds: null, exact: true });
      const probed = vectorSearch(connection, index, vector, { limit: 10, sourceIds: null, probes: 4 });
      const exactIds = new Set(exact.map((hit) => hit.chunkId));
      overlap += probed.filter((hit) => exactIds.has(hit.chunkId)).length;
    }
    expect(overlap / (queries * 10)).toBeGreaterThanOrEqual(0.9);
    // New vectors go to their partition.
    await createIngester({ database, embedder }).ingest([{ uri: 'doc://new', text: '5 tide late arrival' }]);
    const partition = connection
      .prepare(`SELECT partition FROM ${index.table} WHERE rowid = (SELECT max(id) FROM memory_chunks)`)
      .pluck()
      .get() as number;
    expect(partition).toBeGreaterThanOrEqual(0);
  });

  it('a filtered search probes more partitions until it finds k chunks of the allowed sources', async () => {
    // Partitioned by the test above, or here when this test runs alone.
    if (!getActiveVectorIndex(connection)?.partitions)
      await maintainVectorIndex(database, { threshold: 1_000, partitions: 32, seed: 1, bufferVectors: 300 });
    const index = getActiveVectorIndex(connection);
    expect(index?.partitions).toBeGreaterThan(16);
    // The 50 records of cluster 17, searched with a query of cluster 3: none of them lies in the
    // partition nearest the query, so one probe alone finds none of them.
    const allowed = connection
      .prepare(
        "SELECT id FROM memory_sources WHERE uri LIKE 'doc://%' AND (CAST(substr(uri, 7) AS INTEGER) % 40) = 17",
      )
      .pluck()
      .all() as number[];
    expect(allowed).toHaveLength(50);
    const [vector] = (await embedder.embed(['3 query'])) as [Float32Array];
    const hits = vectorSearch(connection, index as NonNullable<typeof index>, vector, {
      limit: 10,
      sourceIds: allowed,
      probes: 1,
    });
    expect(hits).toHaveLength(10);
    const exact = vectorSearch(connection, index as NonNullable<typeof index>, vector, {
      limit: 10,
      sourceIds: allowed,
      exact: true,
    });
    expect(hits.map((hit) => hit.chunkId).sort()).toEqual(exact.map((hit) => hit.chunkId).sort());
  });

  it('answers in a worker thread exactly as in the calling thread, with filters', async () => {
    const inThread = createHybridRetriever({ database, embedder, weights: { lexical: 1, vector: 0.5 } });
    const worker = createWorkerRetriever({
      openReadOnlyConnection: { module: connectionModule, argument: path },
      embedder,
      weights: { lexical: 1, vector: 0.5 },
      threads: 2,
    });
    try {
      for (const text of ['7 storm lantern', 'reef anchor record 12', 'gull']) {
        const expected = await inThread.retrieve({ text, limit: 5 });
        const actual = await worker.retrieve({ text, limit: 5 });
        expect(actual.map((chunk) => chunk.chunkId)).toEqual(expected.map((chunk) => chunk.chunkId));
      }
      const filtered = await worker.retrieve({
        text: 'storm',
        limit: 20,
        filter: { metadata: { parity: 'odd' } },
      });
      expect(filtered.length).toBeGreaterThan(0);
      expect(filtered.every((chunk) => Number(chunk.sourceUri.slice(6)) % 2 === 1)).toBe(true);
      const parallel = await Promise.all(
        Array.from({ length: 8 }, (_, index) => worker.retrieve({ text: `${index} tide` })),
      );
      expect(parallel.every((result) => result.length > 0)).toBe(true);
    } finally {
      await worker.close();
    }
  });

  it('reports a factory that does not exist as a worker failure', async () => {
    const worker = createWorkerRetriever({
      openReadOnlyConnection: { module: connectionModule, exportName: 'missing', argument: path },
    });
    try {
      await expect(worker.retrieve({ text: 'tide' })).rejects.toSatisfy(
        (error) => MemoryError.isInstance(error) && error.code === 'worker_failed',
      );
    } finally {
      await worker.close();
    }
  });
});
