// @klody/memory benchmark: hybrid query latency (p50/p95) and event-loop stall at 100 k or 1 M chunks
// × 1024-d, recall@10 of the inverted-file fast path against sqlite-vec's exact float scan measured
// in the same run (and the speed ratio), and ingestion chunks/s without model time.
// Vectors are synthetic but clustered (a Gaussian mixture); texts come from the shared books. The
// corpus is built once into a cache folder outside the repository and reused.
//
//   pnpm bench:memory --size 100000            (root script; see README)
//   tsx --conditions=@klody/source tooling/bench/memory/bench.ts --size 1000000 --queries 200
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildInvertedFile,
  createHybridRetriever,
  createIngester,
  createStructuralChunker,
  createWorkerRetriever,
  type Embedder,
  getActiveVectorIndex,
  lexicalSearch,
  migrate,
  normalizeText,
  openDatabaseFile,
  type SourceDocument,
  vectorSearch,
} from '../../../packages/memory/src/index.js';
import { listVectorChunks, readVectorChunk } from '../../../packages/memory/src/store/vector-scan.js';
import { createClusteredEmbedder } from '../../../packages/memory/src/testing/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = resolve(here, '../../..');
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    dimensions: { type: 'string', default: '1024' },
    clusters: { type: 'string', default: '1000' },
    queries: { type: 'string', default: '200' },
    probes: { type: 'string' },
    cache: { type: 'string', default: join(homedir(), '.cache', 'klody-bench') },
    books: {
      type: 'string',
      default: join(process.env.KLODY_TEST_DATA ?? join(repositoryRoot, '../shared/data'), 'books'),
    },
    rebuild: { type: 'boolean', default: false },
    'exact-queries': { type: 'string', default: '50' },
    'preparation-threads': { type: 'string', default: '1' },
  },
});
const size = Number(values.size);
const dimensions = Number(values.dimensions);
const clusters = Number(values.clusters);
const queryCount = Number(values.queries);
const exactQueries = Number(values['exact-queries']);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function bookParagraphs(folder: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (path: string) => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) await walk(child);
      else if (entry.name.endsWith('.txt')) files.push(child);
    }
  };
  await walk(folder);
  const chunker = createStructuralChunker({ maxTokens: 240, overlapTokens: 0 });
  const paragraphs: string[] = [];
  for (const file of files.sort()) {
    const text = normalizeText(await readFile(file, 'utf8'));
    // Pieces of 170–240 tokens from every book, flattened to one paragraph each: re-ingested with
    // a 320-token budget, each becomes exactly one chunk (two never fit together).
    for (const chunk of chunker.chunk(text)) {
      if (chunk.tokens >= 170) paragraphs.push(chunk.text.replace(/\s*\n\s*/g, ' '));
    }
  }
  return paragraphs;
}

/** Wraps an embedder and measures the time spent inside it, to subtract "model time". */
function timed(embedder: Embedder): Embedder & { seconds: number } {
  const state = { seconds: 0 };
  return {
    id: embedder.id,
    dimensions: embedder.dimensions,
    get seconds() {
      return state.seconds;
    },
    async embed(texts, options) {
      const started = performance.now();
      const vectors = await embedder.embed(texts, options);
      state.seconds += (performance.now() - started) / 1000;
      return vectors;
    },
  };
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

const embedder = createClusteredEmbedder({ dimensions, clusters, noise: 0.6, seed: 11 });
await mkdir(values.cache as string, { recursive: true });
const path = join(values.cache as string, `memory-${size}x${dimensions}-c${clusters}.db`);
const metaPath = `${path}.json`;
let ingestion: {
  chunks: number;
  seconds: number;
  modelSeconds: number;
  chunksPerSecond: number;
  ivfSeconds: number;
} | null = null;

if (values.rebuild || !existsSync(metaPath)) {
  await rm(path, { force: true });
  await rm(`${path}-wal`, { force: true });
  await rm(`${path}-shm`, { force: true });
  log(`building ${size} chunks × ${dimensions}-d into ${path}`);
  const paragraphs = await bookParagraphs(values.books as string);
  const opened = openDatabaseFile(path);
  // The write lock is injected: wrapping it measures the time spent writing (inside transactions).
  const writing = { seconds: 0 };
  const database = {
    ...opened,
    writeLock: {
      runExclusive: <T>(callback: () => T | Promise<T>) =>
        opened.writeLock.runExclusive(async () => {
          const started = performance.now();
          try {
            return await callback();
          } finally {
            writing.seconds += (performance.now() - started) / 1000;
          }
        }),
    },
  };
  database.getConnection().pragma('synchronous = NORMAL');
  await migrate(database);
  const counted = timed(embedder);
  const ingester = createIngester({
    database,
    embedder: counted,
    chunkerOptions: { maxTokens: 320, overlapTokens: 0 },
    batchSize: 256,
    groupChunks: 4_096,
    // One thread chunks and analyses while this one embeds and writes (2 cores).
    preparationThreads: Number(values['preparation-threads']),
  });
  const perSource = 100;
  async function* documents(): AsyncGenerator<SourceDocument> {
    for (let source = 0; source * perSource < size; source++) {
      const texts: string[] = [];
      for (let index = source * perSource; index < Math.min(size, (source + 1) * perSource); index++) {
        // A paragraph of the books, tagged so that every chunk is distinct.
        texts.push(`${paragraphs[index % paragraphs.length]} (passage ${index})`);
      }
      yield { uri: `bench://${source}`, title: null, text: texts.join('\n\n'), stripGutenberg: false };
    }
  }
  const started = performance.now();
  let lastLog = started;
  const report = await ingester.ingest(documents(), {
    total: Math.ceil(size / perSource),
    onProgress: (progress) => {
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`ingested ${progress.chunks} chunks (${progress.rate.toFixed(0)}/s with model time)`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const ingestWriteSeconds = writing.seconds;
  log(
    `ingested ${report.chunks} chunks in ${seconds.toFixed(1)} s, of which ${counted.seconds.toFixed(1)} s in the embedder`,
  );
  // The baseline: a plain sqlite-vec table scanned exactly, as an application without an index would.
  const flat = getActiveVectorIndex(database.getConnection());
  if (!flat) throw new Error('no vector index after ingestion');
  const connectionForCopy = database.getConnection();
  connectionForCopy.exec(
    `CREATE VIRTUAL TABLE bench_flat USING vec0(embedding float[${dimensions}] distance_metric=cosine)`,
  );
  const copy = connectionForCopy.prepare('INSERT INTO bench_flat (rowid, embedding) VALUES (?, ?)');
  for (const chunkId of listVectorChunks(connectionForCopy, flat)) {
    const rows = readVectorChunk(connectionForCopy, flat, chunkId);
    connectionForCopy.transaction(() => {
      for (const row of rows) copy.run(BigInt(row.chunkId), row.vector);
    })();
  }
  const ivfStarted = performance.now();
  const index = await buildInvertedFile(database, {
    seed: 3,
    onProgress: (progress) => {
      if (progress.phase === 'assigning' && progress.done % 100_000 < 2_000)
        log(`inverted file: ${progress.done}/${progress.total}`);
    },
  });
  const ivfSeconds = (performance.now() - ivfStarted) / 1000;
  log(`inverted file with ${index.partitions} partitions in ${ivfSeconds.toFixed(1)} s`);
  database.getConnection().pragma('wal_checkpoint(TRUNCATE)');
  database.close();
  ingestion = {
    chunks: report.chunks,
    seconds,
    modelSeconds: counted.seconds,
    chunksPerSecond: report.chunks / Math.max(seconds - counted.seconds, 1e-9),
    writeSeconds: ingestWriteSeconds,
    writeChunksPerSecond: report.chunks / Math.max(ingestWriteSeconds, 1e-9),
    ivfSeconds,
  };
  await writeFile(metaPath, JSON.stringify(ingestion));
} else {
  ingestion = JSON.parse(await readFile(metaPath, 'utf8'));
  log(`reusing ${path}`);
}

const database = openDatabaseFile(path);
// A corpus cached by an older version gets the current schema (e.g. the kept index statistics).
await migrate(database);
const connection = database.getConnection();
const index = getActiveVectorIndex(connection);
if (!index) throw new Error('no vector index');
const chunkTotal = connection.prepare('SELECT count(*) FROM memory_chunks').pluck().get() as number;
// Queries: a sentence taken from a random chunk (so BM25 has work), embedded near its cluster.
const sampled = connection
  .prepare(
    'SELECT text FROM memory_chunks WHERE id IN (SELECT abs(random()) % ? + 1 FROM memory_chunks LIMIT ?)',
  )
  .pluck()
  .all(chunkTotal, queryCount) as string[];
const queries = sampled.slice(0, queryCount).map((text) => {
  const sentences = text.split(/(?<=[.!?])\s+/).filter((sentence) => sentence.split(' ').length >= 6);
  return (sentences[Math.floor(sentences.length / 2)] ?? text.slice(0, 120)).slice(0, 200);
});
const vectors = await embedder.embed(queries);
log(
  `${chunkTotal} chunks, index ${index.table} with ${index.partitions} partitions, ${queries.length} queries`,
);

const probes = values.probes ? Number(values.probes) : undefined;
const exactTimes: number[] = [];
const fastTimes: number[] = [];
const lexicalTimes: number[] = [];
let overlap = 0;
// Each path runs as its own loop: interleaved, the exact scan (gigabytes at 1 M) would evict the
// probed partitions from the page cache before every fast query, and the other way round.
const truths: Set<number>[] = [];
for (let query = 0; query < Math.min(exactQueries, queries.length); query++) {
  const started = performance.now();
  const exact = connection
    .prepare('SELECT rowid, distance FROM bench_flat WHERE embedding MATCH ? AND k = 50')
    .all(vectors[query] as Float32Array) as { rowid: number }[];
  exactTimes.push(performance.now() - started);
  truths.push(new Set(exact.slice(0, 10).map((row) => Number(row.rowid))));
}
// A service answers from a warm page cache: one untimed pass loads what the timed passes read
// (after the exact scan's gigabytes, the first fast pass measured the disk: 111 ms instead of 34).
for (const query of queries.keys()) {
  vectorSearch(connection, index, vectors[query] as Float32Array, { limit: 50, sourceIds: null, probes });
  lexicalSearch(connection, queries[query] as string, { limit: 50, sourceIds: null });
}
for (let query = 0; query < queries.length; query++) {
  const started = performance.now();
  const fast = vectorSearch(connection, index, vectors[query] as Float32Array, {
    limit: 50,
    sourceIds: null,
    probes,
  });
  fastTimes.push(performance.now() - started);
  const truth = truths[query];
  if (truth) overlap += fast.slice(0, 10).filter((hit) => truth.has(hit.chunkId)).length;
}
for (let query = 0; query < queries.length; query++) {
  const started = performance.now();
  lexicalSearch(connection, queries[query] as string, { limit: 50, sourceIds: null });
  lexicalTimes.push(performance.now() - started);
}
const compared = exactTimes.length;

async function measure(retrieve: (text: string) => Promise<unknown>, count: number) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let longestGap = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last - 1);
    last = now;
  }, 1);
  histogram.enable();
  const times: number[] = [];
  for (let query = 0; query < count; query++) {
    const started = performance.now();
    await retrieve(queries[query % queries.length] as string);
    times.push(performance.now() - started);
    // Give timers a turn between queries, so a blocking query shows up as a stall.
    await new Promise((resolve) => setImmediate(resolve));
  }
  histogram.disable();
  clearInterval(ticker);
  return {
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    stallMs: Math.max(longestGap, histogram.max / 1e6),
  };
}

const inThread = createHybridRetriever({ database, embedder, probes, weights: { lexical: 1, vector: 1 } });
const worker = createWorkerRetriever({
  openReadOnlyConnection: {
    module: join(repositoryRoot, 'packages/memory/src/store/open-database-file.ts'),
    exportName: 'openReadOnlyConnection',
    argument: path,
  },
  embedder,
  probes,
  weights: { lexical: 1, vector: 1 },
});
await worker.retrieve({ text: 'warm up' });
const hybridWorker = await measure((text) => worker.retrieve({ text, limit: 10 }), queries.length);
const hybridInThread = await measure(
  (text) => inThread.retrieve({ text, limit: 10 }),
  Math.min(queries.length, 50),
);
await worker.close();
database.close();

const result = {
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  chunks: chunkTotal,
  dimensions,
  clusters,
  partitions: index.partitions,
  probes: probes ?? Math.max(8, Math.ceil(index.partitions * 0.02)),
  queries: queries.length,
  exactComparedQueries: compared,
  exactScanMs: { p50: percentile(exactTimes, 0.5), p95: percentile(exactTimes, 0.95) },
  fastVectorMs: { p50: percentile(fastTimes, 0.5), p95: percentile(fastTimes, 0.95) },
  speedupVersusExact: percentile(exactTimes, 0.5) / percentile(fastTimes, 0.5),
  recallAt10VersusExact: overlap / (compared * 10),
  lexicalMs: { p50: percentile(lexicalTimes, 0.5), p95: percentile(lexicalTimes, 0.95) },
  hybridWorkerMs: hybridWorker,
  hybridInThreadMs: hybridInThread,
  ingestion,
};
const output = join(values.cache as string, `memory-bench-${size}x${dimensions}.json`);
await writeFile(output, `${JSON.stringify(result, null, 2)}\n`);
const row = (name: string, value: string) => `| ${name} | ${value} |`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
process.stdout.write(
  [
    `### @klody/memory — ${chunkTotal.toLocaleString('en')} chunks × ${dimensions}-d, ${index.partitions} partitions, ${result.probes} probed`,
    '',
    '| measure | value |',
    '| --- | --- |',
    row('hybrid query p50 / p95 (worker thread)', `${ms(hybridWorker.p50)} / ${ms(hybridWorker.p95)}`),
    row('longest event-loop stall (worker thread)', ms(hybridWorker.stallMs)),
    row('hybrid query p50 / p95 (calling thread)', `${ms(hybridInThread.p50)} / ${ms(hybridInThread.p95)}`),
    row('longest event-loop stall (calling thread)', ms(hybridInThread.stallMs)),
    row(
      'vector fast path p50 / p95 (k = 50)',
      `${ms(result.fastVectorMs.p50)} / ${ms(result.fastVectorMs.p95)}`,
    ),
    row(
      'sqlite-vec exact float scan p50 / p95 (k = 50)',
      `${ms(result.exactScanMs.p50)} / ${ms(result.exactScanMs.p95)}`,
    ),
    row('speed-up of the fast path over the exact scan', `${result.speedupVersusExact.toFixed(1)}×`),
    row('recall@10 of the fast path vs exact', result.recallAt10VersusExact.toFixed(3)),
    row('BM25 (+ proximity) p50 / p95', `${ms(result.lexicalMs.p50)} / ${ms(result.lexicalMs.p95)}`),
    row(
      'ingestion without model time',
      ingestion
        ? `${ingestion.chunksPerSecond.toFixed(0)} chunks/s (${ingestion.chunks} chunks, ${ingestion.seconds.toFixed(0)} s − ${ingestion.modelSeconds.toFixed(0)} s model)`
        : 'n/a',
    ),
    row(
      'of which writing (transactions: chunks, FTS5, vec0)',
      ingestion?.writeChunksPerSecond
        ? `${ingestion.writeChunksPerSecond.toFixed(0)} chunks/s (${(ingestion.writeSeconds ?? 0).toFixed(0)} s)`
        : 'n/a',
    ),
    row('inverted-file build', ingestion ? `${ingestion.ivfSeconds.toFixed(0)} s` : 'n/a'),
    '',
    `JSON: ${output}`,
    '',
  ].join('\n'),
);
