import { describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import { createIngester } from '../ingest/ingester.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { migrate } from './migrate.js';
import { readSourceSlice } from './read-source-slice.js';
import { getSourceByUri, getSourceText } from './sources.js';

// Characters outside the BMP before the passages: one code point but two UTF-16 code units each, so
// offsets taken as code points (SQLite's substr) would land two characters off per emoji.
const text =
  'The Lighthouse 🌊🌊\n\nThe keeper 🗝 climbed the tower every evening. He lit the great lamp at dusk so that the ships could see the rocks.\n\nIn winter the storms 🌩 were terrible and the waves broke over the rocks.\n';

async function libraryWithOneBook() {
  const database = createInMemoryDatabase();
  await migrate(database);
  await createIngester({ database, chunkerOptions: { maxTokens: 12, overlapTokens: 0 } }).ingest([
    { uri: 'book:lighthouse', title: 'The Lighthouse', text },
  ]);
  const connection = database.getConnection();
  const sourceId = getSourceByUri(connection, 'book:lighthouse')?.id ?? 0;
  // The store keeps the normalized text: the offsets point into it.
  const stored = getSourceText(connection, sourceId) ?? '';
  return { connection, sourceId, stored };
}

describe('readSourceSlice', () => {
  it("gives back each chunk's text from its offsets, with the text around it, past characters outside the BMP", async () => {
    const { connection, sourceId, stored } = await libraryWithOneBook();
    expect(stored).toContain('🗝');
    const chunks = connection
      .prepare('SELECT start_offset AS start, end_offset AS end, text FROM memory_chunks WHERE source_id = ?')
      .all(sourceId) as { start: number; end: number; text: string }[];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      const slice = readSourceSlice(connection, sourceId, chunk.start, chunk.end, 5);
      expect(slice).toMatchObject({
        sourceId,
        uri: 'book:lighthouse',
        title: 'The Lighthouse',
        start: chunk.start,
        end: chunk.end,
        text: chunk.text,
      });
      expect(slice?.before.length).toBe(Math.min(5, chunk.start));
      expect(`${slice?.before}${slice?.text}${slice?.after}`).toBe(
        stored.slice(Math.max(0, chunk.start - 5), chunk.end + 5),
      );
    }
  });

  it('takes the context up to the ends of the text, and none by default', async () => {
    const { connection, sourceId, stored } = await libraryWithOneBook();
    const end = stored.length;
    expect(readSourceSlice(connection, sourceId, 0, 3, 100)).toMatchObject({ before: '', text: 'The' });
    expect(readSourceSlice(connection, sourceId, end - 7, end, 100)?.after).toBe('');
    expect(readSourceSlice(connection, sourceId, end - 7, end, 100)?.before).toBe(
      stored.slice(0, end - 7).slice(-100),
    );
    expect(readSourceSlice(connection, sourceId, 4, 14)).toMatchObject({
      before: '',
      text: 'Lighthouse',
      after: '',
    });
    expect(readSourceSlice(connection, sourceId, 4, 4, 1)).toMatchObject({
      before: ' ',
      text: '',
      after: 'L',
    });
  });

  it('answers null for an unknown source or a range that is not within the text', async () => {
    const { connection, sourceId, stored } = await libraryWithOneBook();
    expect(readSourceSlice(connection, sourceId + 1, 0, 3)).toBeNull();
    expect(readSourceSlice(connection, sourceId, 0, stored.length)?.text).toBe(stored);
    expect(readSourceSlice(connection, sourceId, 0, stored.length + 1)).toBeNull();
    expect(readSourceSlice(connection, sourceId, 10, 9)).toBeNull();
    expect(readSourceSlice(connection, sourceId, -1, 3)).toBeNull();
    expect(readSourceSlice(connection, sourceId, 0.5, 3)).toBeNull();
  });

  it('refuses a context that is not a whole number of characters', async () => {
    const { connection, sourceId } = await libraryWithOneBook();
    for (const contextCharacters of [-1, 1.5, Number.NaN]) {
      expect(() => readSourceSlice(connection, sourceId, 0, 3, contextCharacters)).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
    expect(MemoryError.isInstance(catchError(() => readSourceSlice(connection, sourceId, 0, 3, -1)))).toBe(
      true,
    );
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return null;
}
