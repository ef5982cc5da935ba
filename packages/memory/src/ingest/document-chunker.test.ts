import { describe, expect, it } from 'vitest';
import type { Chunk, Chunker } from '../chunker/chunker.js';
import { createCodeChunker } from '../chunker/code-chunker.js';
import { migrate } from '../store/migrate.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { createIngester } from './ingester.js';

/** A fake chunker for this test only: one chunk per non-empty line, named after its line number. */
function createFakeLineChunker(): Chunker & { calls: number } {
  const chunker = {
    calls: 0,
    chunk(text: string): Chunk[] {
      chunker.calls++;
      const chunks: Chunk[] = [];
      let start = 0;
      text.split('\n').forEach((line, index) => {
        if (line.trim()) {
          chunks.push({
            ordinal: chunks.length,
            start,
            end: start + line.length,
            text: line,
            heading: `line ${index + 1}`,
            tokens: line.split(' ').length,
          });
        }
        start += line.length + 1;
      });
      return chunks;
    },
  };
  return chunker;
}

const prose =
  'The lighthouse keeper climbed the stairs at dusk.\n\nHe lit the lamp so that ships saw the rocks.';
const lines = 'first line of the document\nsecond line of the document\nthird line of the document';

describe("a document's own chunker", () => {
  for (const preparationThreads of [0, 1]) {
    it(`chunks that document instead of the ingester's chunker (${preparationThreads} preparation threads)`, async () => {
      const database = createInMemoryDatabase();
      await migrate(database);
      const chunker = createFakeLineChunker();
      const ingester = createIngester({ database, preparationThreads, chunkerOptions: { maxTokens: 300 } });
      try {
        const report = await ingester.ingest([
          { uri: 'doc:prose', text: prose },
          { uri: 'doc:lines', text: lines, chunker },
        ]);
        expect(report.added).toBe(2);
      } finally {
        await ingester.close();
      }
      // Called in this thread (a chunker cannot cross to a preparation thread).
      expect(chunker.calls).toBe(1);
      const rows = database
        .getConnection()
        .prepare(
          'SELECT s.uri AS uri, c.heading AS heading, c.text AS text FROM memory_chunks c JOIN memory_sources s ON s.id = c.source_id ORDER BY s.uri, c.ordinal',
        )
        .all() as { uri: string; heading: string | null; text: string }[];
      expect(rows.filter((row) => row.uri === 'doc:lines').map((row) => row.heading)).toEqual([
        'line 1',
        'line 2',
        'line 3',
      ]);
      // The other document went through the default structural chunker: one chunk for both paragraphs.
      expect(rows.filter((row) => row.uri === 'doc:prose').map((row) => row.text)).toEqual([prose]);
    });
  }

  it('takes a code chunker, whose chunks carry the declarations as headings', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const text =
      'export function greet(name: string): string {\n  const message = "Bonjour " + name + ", comment vas-tu ? Très bien, merci.";\n  return message.trim();\n}\n';
    const report = await createIngester({ database }).ingest([
      {
        uri: 'code:greet',
        text,
        chunker: await createCodeChunker({ language: 'typescript', groupBelowTokens: 1 }),
      },
    ]);
    expect(report.chunks).toBe(1);
    const heading = database.getConnection().prepare('SELECT heading FROM memory_chunks').pluck().get();
    expect(heading).toBe('function greet');
  });
});
