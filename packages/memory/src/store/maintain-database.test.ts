import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createIngester, type SourceDocument } from '../ingest/ingester.js';
import { createHybridRetriever, createLexicalRetriever, createVectorRetriever } from '../retriever/index.js';
import { createFakeEmbedder } from '../testing/fake-embedder.js';
import { type MaintenanceProgress, maintainDatabase } from './maintain-database.js';
import { migrate } from './migrate.js';
import { openDatabaseFile } from './open-database-file.js';

const words = [
  'lighthouse',
  'keeper',
  'storm',
  'lantern',
  'harbour',
  'gull',
  'anchor',
  'tide',
  'reef',
  'mast',
];

/** Documents of distinct sentences, long enough to make several chunks and free pages once deleted. */
function documents(count: number): SourceDocument[] {
  return Array.from({ length: count }, (_, index) => ({
    uri: `memory://book-${index}`,
    title: `Book ${index}`,
    text: Array.from(
      { length: 120 },
      (_, sentence) =>
        `Sentence ${sentence} of book ${index}: the ${words[(index + sentence) % words.length]} met the ${words[(index * 3 + sentence) % words.length]} near the ${words[sentence % words.length]}.`,
    ).join(' '),
  }));
}

describe('maintainDatabase on a real database file', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  async function library() {
    const folder = mkdtempSync(join(tmpdir(), 'klody-maintain-'));
    folders.push(folder);
    const database = openDatabaseFile(join(folder, 'memory.db'));
    await migrate(database);
    const embedder = createFakeEmbedder({ dimensions: 16 });
    const ingester = createIngester({ database, embedder });
    await ingester.ingest(documents(40));
    // Half the books go: their pages become free pages, for VACUUM to give back.
    await ingester.remove(Array.from({ length: 20 }, (_, index) => `memory://book-${index * 2}`));
    return { database, embedder };
  }

  async function answers(
    database: Awaited<ReturnType<typeof library>>['database'],
    embedder: ReturnType<typeof createFakeEmbedder>,
  ) {
    const queries = ['storm lantern', 'keeper harbour gull', 'Sentence 7 of book 13'];
    const retrievers = [
      createLexicalRetriever({ database }),
      createVectorRetriever({ database, embedder }),
      createHybridRetriever({ database, embedder }),
    ];
    const results: string[][] = [];
    for (const retriever of retrievers)
      for (const text of queries)
        results.push(
          (await retriever.retrieve({ text, limit: 5 })).map((chunk) => `${chunk.sourceUri}:${chunk.start}`),
        );
    return results;
  }

  it('checks, optimizes, vacuums and leaves every answer the same', async () => {
    const { database, embedder } = await library();
    try {
      const before = await answers(database, embedder);
      expect(before.flat().length).toBeGreaterThan(20);
      const progress: MaintenanceProgress[] = [];
      const report = await maintainDatabase(database, {
        vacuum: 'always',
        onProgress: (step) => progress.push(step),
      });
      expect(report.integrity).toEqual({ ok: true, check: 'quick', problems: [] });
      expect(report.fullText.map((entry) => [entry.table, entry.action])).toEqual([
        ['memory_facts_fts', 'optimized'],
        ['memory_fts', 'optimized'],
      ]);
      expect(report.vectorIndex?.action).toBe('none');
      expect(report.vectorIndex?.vectors).toBeGreaterThan(0);
      expect(report.vacuum.done).toBe(true);
      expect(report.vacuum.freeShare).toBeGreaterThan(0.1);
      expect(report.vacuum.bytesAfter).toBeLessThan(report.vacuum.bytesBefore);
      expect(progress.map((entry) => `${entry.step}:${entry.state}`)).toEqual([
        'integrity:started',
        'integrity:done',
        'full_text:started',
        'full_text:done',
        'full_text:started',
        'full_text:done',
        'vector_index:started',
        'vector_index:done',
        'vacuum:started',
        'vacuum:done',
        'statistics:started',
        'statistics:done',
      ]);
      expect(await answers(database, embedder)).toEqual(before);
      // Nothing left to free: `auto` does not vacuum again.
      expect((await maintainDatabase(database)).vacuum.done).toBe(false);
    } finally {
      database.close();
    }
  });

  it('rebuilds a full-text index whose own check fails, and then finds the same passages', async () => {
    const { database, embedder } = await library();
    try {
      const before = await answers(database, embedder);
      // The index no longer matches its stored text: what a torn write would leave. Shadow tables
      // are written to only outside SQLite's defensive mode (better-sqlite3's unsafe mode).
      const connection = database.getConnection();
      connection.unsafeMode(true);
      connection
        .prepare(
          "UPDATE memory_fts_content SET c0 = 'nothing here' WHERE id IN (SELECT id FROM memory_fts_content LIMIT 3)",
        )
        .run();
      connection.unsafeMode(false);
      const broken = await maintainDatabase(database, { vacuum: 'never', vectorIndex: false });
      const entry = broken.fullText.find((table) => table.table === 'memory_fts');
      expect(entry?.action).toBe('rebuilt');
      expect(entry?.reason).toMatch(/integrity check failed/);
      expect(broken.vectorIndex).toBeNull();
      const again = await maintainDatabase(database, { vacuum: 'never', vectorIndex: false });
      expect(again.fullText.find((table) => table.table === 'memory_fts')?.action).toBe('optimized');
      // The three chunks' shadow text was changed above; every other answer is the same.
      const after = await answers(database, embedder);
      expect(after.slice(3)).toEqual(before.slice(3));
    } finally {
      database.close();
    }
  });
});
