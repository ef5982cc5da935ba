import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executableHead, randomContent } from '../../fixtures/binary-files.js';
import { writeDocumentFixtures } from '../../fixtures/document-fixtures.js';
import { syntheticDocuments } from '../../fixtures/synthetic-documents.js';
import { createStructuralChunker } from '../chunker/structural-chunker.js';
import { createCachedEmbedder } from '../embedder/cached-embedder.js';
import { createHybridRetriever } from '../retriever/hybrid-retriever.js';
import { readIndexStatistics } from '../store/index-statistics.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import { migrate } from '../store/migrate.js';
import { listSources } from '../store/sources.js';
import { getActiveVectorIndex } from '../store/vector-index.js';
import { createFakeEmbedder } from '../testing/fake-embedder.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { createIngester, type IngestProgress } from './ingester.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function counts(database: MemoryDatabase) {
  const connection = database.getConnection();
  const index = getActiveVectorIndex(connection);
  const one = (sql: string) => connection.prepare(sql).pluck().get() as number;
  return {
    sources: one('SELECT count(*) FROM memory_sources'),
    chunks: one('SELECT count(*) FROM memory_chunks'),
    fts: one('SELECT count(*) FROM memory_fts'),
    vectors: index ? one(`SELECT count(*) FROM ${index.table}`) : 0,
    cache: one('SELECT count(*) FROM memory_embedding_cache'),
    orphanChunks: one(
      'SELECT count(*) FROM memory_chunks WHERE source_id NOT IN (SELECT id FROM memory_sources)',
    ),
    duplicateUris: one('SELECT count(*) - count(DISTINCT uri) FROM memory_sources'),
    // The statistics kept by the writes agree with a full recount.
    statisticsDrift:
      Math.abs(readIndexStatistics(connection).chunks - one('SELECT count(*) FROM memory_chunks')) +
      Math.abs(
        readIndexStatistics(connection).indexedTerms -
          one('SELECT coalesce(sum(cnt), 0) FROM memory_fts_vocabulary'),
      ),
  };
}

async function setup() {
  const database = createInMemoryDatabase();
  await migrate(database);
  const fake = createFakeEmbedder({ dimensions: 16 });
  const embedder = createCachedEmbedder({ embedder: fake, database });
  return { database, fake, embedder };
}

describe('createIngester', () => {
  it('adds, skips unchanged, replaces changed and removes sources with their vectors and cache entries', async () => {
    const { database, fake, embedder } = await setup();
    const ingester = createIngester({ database, embedder, batchSize: 7 });
    const documents = syntheticDocuments(5);
    const first = await ingester.ingest(documents);
    expect(first).toMatchObject({ added: 5, updated: 0, unchanged: 0 });
    const afterFirst = counts(database);
    expect(afterFirst.sources).toBe(5);
    expect(afterFirst.chunks).toBe(first.chunks);
    expect(afterFirst.fts).toBe(afterFirst.chunks);
    expect(afterFirst.vectors).toBe(afterFirst.chunks);
    expect(afterFirst.cache).toBe(afterFirst.chunks);
    // Batches respect batchSize.
    expect(Math.max(...fake.calls.map((call) => call.length))).toBeLessThanOrEqual(7);

    const callsBefore = fake.calls.length;
    const second = await ingester.ingest(documents);
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: 5, chunks: 0 });
    expect(fake.calls.length).toBe(callsBefore);
    expect(counts(database)).toEqual(afterFirst);

    const changed = [...documents.slice(0, 4), syntheticDocuments(5, 2)[4] as (typeof documents)[number]];
    const third = await ingester.ingest(changed);
    expect(third).toMatchObject({ added: 0, updated: 1, unchanged: 4 });
    const afterThird = counts(database);
    expect(afterThird.sources).toBe(5);
    expect(afterThird.fts).toBe(afterThird.chunks);
    expect(afterThird.vectors).toBe(afterThird.chunks);
    // The replaced version's cache entries went with it.
    expect(afterThird.cache).toBe(afterThird.chunks);

    expect(await ingester.remove(['doc://0', 'doc://missing'])).toBe(1);
    const afterRemove = counts(database);
    expect(afterRemove.sources).toBe(4);
    expect(afterRemove.vectors).toBe(afterRemove.chunks);
    expect(afterRemove.fts).toBe(afterRemove.chunks);
    expect(afterRemove.cache).toBe(afterRemove.chunks);
    expect([afterFirst, afterThird, afterRemove].map((state) => state.statisticsDrift)).toEqual([0, 0, 0]);
  });

  it('prepares documents in worker threads with the same result as in the calling thread', async () => {
    const contents = async (preparationThreads: number) => {
      const { database, embedder } = await setup();
      const ingester = createIngester({
        database,
        embedder,
        preparationThreads,
        chunkerOptions: { maxTokens: 60 },
      });
      try {
        // Raw texts as files give them (BOM, CRLF): the thread normalizes what this one would.
        const documents = syntheticDocuments(12).map((document, index) =>
          index % 2 === 0
            ? document
            : { ...document, text: `\uFEFF${document.text.replaceAll('\n', '\r\n')}` },
        );
        const report = await ingester.ingest(documents);
        expect(report.added).toBe(12);
        // Normalized and hashed in the thread the first time, recognised here the second time.
        const again = await ingester.ingest(documents);
        expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 12 });
      } finally {
        await ingester.close();
      }
      const connection = database.getConnection();
      return {
        sources: connection
          .prepare('SELECT uri, title, language, content_hash, text FROM memory_sources ORDER BY id')
          .all(),
        chunks: connection
          .prepare(
            'SELECT source_id, ordinal, start_offset, end_offset, text, heading, tokens, content_hash FROM memory_chunks ORDER BY id',
          )
          .all(),
        fts: connection.prepare('SELECT rowid, analysed FROM memory_fts ORDER BY rowid').all(),
        statistics: readIndexStatistics(connection),
      };
    };
    const inThread = await contents(0);
    const inWorkers = await contents(2);
    expect(inThread.chunks.length).toBeGreaterThan(12);
    expect(inWorkers).toEqual(inThread);
  });

  it('refuses preparation threads with a custom chunker instead of ignoring them', async () => {
    const { database, embedder } = await setup();
    expect(() =>
      createIngester({ database, embedder, chunker: createStructuralChunker(), preparationThreads: 1 }),
    ).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('finishes and exits in a process using preparation threads, without closing them', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'klody-memory-threads-'));
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=@klody/source',
          join(packageRoot, 'fixtures/ingest-child.ts'),
          join(folder, 'x.db'),
          '5',
          '2',
        ],
        { cwd: packageRoot, timeout: 60_000 },
      );
      expect(stdout.trim().split('\n').at(-1)).toBe('finished');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('emits progress with done, total and rate', async () => {
    const { database, embedder } = await setup();
    const events: IngestProgress[] = [];
    await createIngester({ database, embedder, groupChunks: 10 }).ingest(syntheticDocuments(6), {
      onProgress: (event) => events.push(event),
    });
    expect(events.length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ done: 6, total: 6 });
    expect(events.every((event) => event.rate >= 0 && Number.isFinite(event.rate))).toBe(true);
    expect(events.map((event) => event.done)).toEqual(
      [...events.map((event) => event.done)].sort((a, b) => a - b),
    );
  });

  it('refuses to mix vectors of two embedders', async () => {
    const { database, embedder } = await setup();
    await createIngester({ database, embedder }).ingest(syntheticDocuments(1));
    const other = createFakeEmbedder({ dimensions: 8, id: 'fake:other' });
    await expect(createIngester({ database, embedder: other }).ingest(syntheticDocuments(2))).rejects.toThrow(
      /migrate the index/,
    );
    expect(counts(database).sources).toBe(1);
  });

  it('syncs a folder: new files in, deleted files out, a broken file reported and kept', async () => {
    const { database, embedder } = await setup();
    const folder = await mkdtemp(join(tmpdir(), 'klody-memory-sync-'));
    try {
      await writeFile(join(folder, 'a.txt'), 'Alpha text about lighthouses.');
      await writeFile(join(folder, 'b.md'), '# Beta\n\nBeta text about harbours.');
      const ingester = createIngester({ database, embedder });
      expect(await ingester.syncFolder(folder)).toMatchObject({ added: 2, removed: 0 });
      await unlink(join(folder, 'a.txt'));
      await writeFile(join(folder, 'c.epub'), 'not a zip');
      const report = await ingester.syncFolder(folder);
      expect(report).toMatchObject({ added: 0, unchanged: 1, removed: 1 });
      expect(report.failed.map((failure) => failure.uri)).toEqual([join(folder, 'c.epub')]);
      expect(counts(database).sources).toBe(1);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('files that are not books', () => {
  it('refuses text that is binary and skips blank text, each with a per-source entry', async () => {
    const { database, embedder } = await setup();
    const report = await createIngester({ database, embedder }).ingest([
      { uri: 'raw://binary', text: `\u007fELF\u0002\u0001\u0001${'\u0000'.repeat(12)}garbage` },
      { uri: 'raw://blank', text: ' \r\n\t\n' },
      {
        uri: 'raw://licence-only',
        text: '*** START OF THE PROJECT GUTENBERG EBOOK X ***\n*** END OF THE PROJECT GUTENBERG EBOOK X ***',
      },
      ...syntheticDocuments(1),
    ]);
    expect(report).toMatchObject({
      added: 1,
      failed: [
        { uri: 'raw://binary', code: 'binary_content', message: expect.stringContaining('raw://binary') },
      ],
      skipped: [
        { uri: 'raw://blank', code: 'empty_content', message: expect.stringContaining('raw://blank') },
        {
          uri: 'raw://licence-only',
          code: 'empty_content',
          message: expect.stringContaining('raw://licence-only'),
        },
      ],
    });
    expect(listSources(database.getConnection()).map((source) => source.uri)).toEqual(['doc://0']);
  });
});

describeRequiring(
  { data: ['books/en/11-0.txt', 'books/fr/Candide.txt'] },
  'a folder with binary and empty files beside real books',
  () => {
    let folder: string;
    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'klody-memory-not-books-'));
    });
    afterAll(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    it('ingests the books (every format), refuses the binaries and skips the empty files, saying which', async () => {
      const { database, embedder } = await setup();
      await writeFile(join(folder, 'random.txt'), randomContent());
      await writeFile(join(folder, 'program.txt'), await executableHead());
      await writeFile(join(folder, 'empty.txt'), '');
      await writeFile(join(folder, 'blank.txt'), '\n  \r\n\t\n');
      await copyFile(testDataPath('books', 'fr', 'Candide.txt'), join(folder, 'Candide.txt'));
      await copyFile(testDataPath('books', 'en', '11-0.txt'), join(folder, 'alice.txt'));
      const formats = Object.values(await writeDocumentFixtures(join(folder, 'formats')));
      const report = await createIngester({ database, embedder }).syncFolder(folder);

      const refused = (name: string) => ({
        uri: join(folder, name),
        code: 'binary_content',
        message: expect.stringMatching(new RegExp(`^${join(folder, name)} is not text \\(`)),
      });
      const skippedEmpty = (name: string) => ({
        uri: join(folder, name),
        code: 'empty_content',
        message: `${join(folder, name)} is empty: nothing to search, skipped`,
      });
      expect(report.failed).toEqual([refused('program.txt'), refused('random.txt')]);
      expect(report.skipped).toEqual([skippedEmpty('blank.txt'), skippedEmpty('empty.txt')]);
      expect(report.added).toBe(2 + formats.length);
      expect(
        listSources(database.getConnection())
          .map((source) => source.uri)
          .sort(),
      ).toEqual([join(folder, 'Candide.txt'), join(folder, 'alice.txt'), ...formats].sort());

      // Searches find the books, and never a passage of the refused files.
      const retriever = createHybridRetriever({ database, embedder });
      const [pangloss] = await retriever.retrieve({
        text: 'Pangloss métaphysico-théologo-cosmolonigologie',
        limit: 1,
      });
      expect(pangloss?.sourceUri).toBe(join(folder, 'Candide.txt'));
      const [rabbit] = await retriever.retrieve({ text: 'White Rabbit waistcoat pocket watch', limit: 1 });
      expect(rabbit?.sourceUri).toBe(join(folder, 'alice.txt'));
    });
  },
);

describe('ingestion killed with SIGKILL', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-kill-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('leaves a consistent database, and a re-run finishes with no duplicates', async () => {
    const path = join(folder, 'kill.db');
    const documentCount = 400;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@klody/source',
        join(packageRoot, 'fixtures/ingest-child.ts'),
        path,
        String(documentCount),
      ],
      { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (data) => {
      stderr += String(data);
    });
    const killedAt = await new Promise<number>((resolvePromise, reject) => {
      let lines = 0;
      child.stdout.on('data', (data: Buffer) => {
        lines += String(data)
          .split('\n')
          .filter((line) => line.startsWith('progress')).length;
        // Kill mid-run, while groups keep being written.
        if (lines >= 5 && child.exitCode === null) {
          child.kill('SIGKILL');
          resolvePromise(lines);
        }
      });
      child.on('exit', (code) => {
        if (lines < 5) reject(new Error(`child exited early (${code}): ${stderr}`));
      });
    });
    await new Promise((resolvePromise) => child.once('exit', resolvePromise).once('close', resolvePromise));
    expect(child.signalCode).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThanOrEqual(5);

    const connection = new Database(path);
    sqliteVec.load(connection);
    const database = { getConnection: () => connection, writeLock: new Mutex() };
    try {
      expect(connection.pragma('integrity_check', { simple: true })).toBe('ok');
      const partial = counts(database);
      expect(partial.sources).toBeGreaterThan(0);
      expect(partial.sources).toBeLessThan(documentCount);
      expect(partial.fts).toBe(partial.chunks);
      expect(partial.vectors).toBe(partial.chunks);
      expect(partial.orphanChunks).toBe(0);
      // Every stored source has all its chunks.
      const expected = createFakeEmbedder({ dimensions: 16 });
      const resumed = await createIngester({ database, embedder: expected, groupChunks: 50 }).ingest(
        syntheticDocuments(documentCount),
      );
      expect(resumed.unchanged).toBe(partial.sources);
      expect(resumed.added).toBe(documentCount - partial.sources);
      const final = counts(database);
      expect(final.sources).toBe(documentCount);
      expect(final.duplicateUris).toBe(0);
      expect(final.fts).toBe(final.chunks);
      expect(final.vectors).toBe(final.chunks);
      expect(partial.statisticsDrift).toBe(0);
      expect(final.statisticsDrift).toBe(0);
      const perSource = connection
        .prepare('SELECT count(DISTINCT n) FROM (SELECT count(*) AS n FROM memory_chunks GROUP BY source_id)')
        .pluck()
        .get();
      expect(perSource).toBe(1);
    } finally {
      connection.close();
    }
  });
});
