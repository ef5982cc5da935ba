import { describe, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { countChunksBySource } from './count-chunks-by-source.js';
import { migrate } from './migrate.js';
import { getSourceByUri, insertSource } from './sources.js';

describe('countChunksBySource', () => {
  it("counts each source's chunks, follows removals, and lists a source without chunks as 0", async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const connection = database.getConnection();
    expect(countChunksBySource(connection)).toEqual(new Map());

    const ingester = createIngester({ database, chunkerOptions: { maxTokens: 8, overlapTokens: 0 } });
    const long = Array.from({ length: 12 }, (_, index) => `Sentence number ${index} talks about the sea.`);
    await ingester.ingest([
      { uri: 'book:long', text: long.join('\n\n') },
      { uri: 'book:short', text: 'Bees make honey.' },
    ]);
    const longId = getSourceByUri(connection, 'book:long')?.id ?? 0;
    const shortId = getSourceByUri(connection, 'book:short')?.id ?? 0;
    const stored = (sourceId: number) =>
      connection.prepare('SELECT count(*) FROM memory_chunks WHERE source_id = ?').pluck().get(sourceId);
    const counts = countChunksBySource(connection);
    expect(counts.get(longId)).toBeGreaterThan(1);
    expect(counts).toEqual(
      new Map([
        [longId, stored(longId)],
        [shortId, 1],
      ]),
    );

    const empty = insertSource(
      connection,
      {
        uri: 'book:empty',
        title: null,
        format: 'text',
        language: null,
        text: '',
        contentHash: 'x',
        metadata: {},
      },
      [],
    ).sourceId;
    expect(countChunksBySource(connection).get(empty)).toBe(0);

    await ingester.remove(['book:long']);
    expect(countChunksBySource(connection)).toEqual(
      new Map([
        [shortId, 1],
        [empty, 0],
      ]),
    );
  });
});
