import { describe, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { countChunksBySource } from './count-chunks-by-source.js';
import { migrate } from './migrate.js';
import { getSourceByUri, insertSource, listSources } from './sources.js';

/** The counts as a scan of the chunks finds them: what the kept counts must always equal. */
function countedChunks(connection: ReturnType<ReturnType<typeof createInMemoryDatabase>['getConnection']>) {
  const rows = connection
    .prepare(
      'SELECT s.id AS id, count(c.id) AS chunks FROM memory_sources s LEFT JOIN memory_chunks c ON c.source_id = s.id GROUP BY s.id',
    )
    .all() as { id: number; chunks: number }[];
  return new Map(rows.map((row) => [row.id, row.chunks]));
}

const sentences = (count: number, topic: string) =>
  Array.from({ length: count }, (_, index) => `Sentence number ${index} talks about the ${topic}.`).join(
    '\n\n',
  );

describe('countChunksBySource', () => {
  it("counts each source's chunks, follows removals, and lists a source without chunks as 0", async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const connection = database.getConnection();
    expect(countChunksBySource(connection)).toEqual(new Map());

    const ingester = createIngester({ database, chunkerOptions: { maxTokens: 8, overlapTokens: 0 } });
    await ingester.ingest([
      { uri: 'book:long', text: sentences(12, 'sea') },
      { uri: 'book:short', text: 'Bees make honey.' },
    ]);
    const longId = getSourceByUri(connection, 'book:long')?.id ?? 0;
    const shortId = getSourceByUri(connection, 'book:short')?.id ?? 0;
    const counts = countChunksBySource(connection);
    expect(counts.get(longId)).toBeGreaterThan(1);
    expect(counts).toEqual(countedChunks(connection));
    expect(counts.get(shortId)).toBe(1);

    const empty = connection.transaction(
      () =>
        insertSource(
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
        ).sourceId,
    )();
    expect(countChunksBySource(connection).get(empty)).toBe(0);

    await ingester.remove(['book:long']);
    expect(countChunksBySource(connection)).toEqual(
      new Map([
        [shortId, 1],
        [empty, 0],
      ]),
    );
    await ingester.close();
  });

  it('keeps the counts right when a source is replaced by a longer or a shorter version', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const connection = database.getConnection();
    const ingester = createIngester({ database, chunkerOptions: { maxTokens: 8, overlapTokens: 0 } });
    await ingester.ingest([
      { uri: 'book:a', text: sentences(4, 'moon') },
      { uri: 'book:b', text: sentences(6, 'wind') },
    ]);
    const before = countChunksBySource(connection);

    const longer = await ingester.ingest([{ uri: 'book:a', text: sentences(20, 'moon') }]);
    expect(longer.updated).toBe(1);
    const afterLonger = countChunksBySource(connection);
    const newId = getSourceByUri(connection, 'book:a')?.id ?? 0;
    expect(afterLonger.get(newId)).toBeGreaterThan([...before.values()][0] ?? 0);
    expect(afterLonger).toEqual(countedChunks(connection));
    // The replaced version's count went with it: one entry per stored source.
    expect(afterLonger.size).toBe(2);

    await ingester.ingest([{ uri: 'book:b', text: 'Only one sentence now.' }]);
    const afterShorter = countChunksBySource(connection);
    expect(afterShorter.get(getSourceByUri(connection, 'book:b')?.id ?? 0)).toBe(1);
    expect(afterShorter).toEqual(countedChunks(connection));
    expect(connection.prepare('SELECT count(*) FROM memory_source_counts').pluck().get()).toBe(
      listSources(connection).length,
    );
    await ingester.close();
  });

  it('writes no count when the write that holds it is rolled back', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const connection = database.getConnection();
    expect(() =>
      connection.transaction(() => {
        insertSource(
          connection,
          {
            uri: 'book:x',
            title: null,
            format: 'text',
            language: null,
            text: 'abc',
            contentHash: 'h',
            metadata: {},
          },
          [],
        );
        throw new Error('the write fails after the source');
      })(),
    ).toThrow('the write fails');
    expect(countChunksBySource(connection)).toEqual(new Map());
  });
});

describe('listSources', () => {
  it('lists every source without its text, in id order, from the covering index', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const connection = database.getConnection();
    const ingester = createIngester({ database });
    await ingester.ingest([
      { uri: 'book:1', text: 'First book.', title: 'One', metadata: { author: 'Ann' } },
      { uri: 'book:2', text: 'Second book.', title: 'Two', metadata: { author: 'Bob' } },
    ]);
    const sources = listSources(connection);
    expect(sources.map((source) => [source.uri, source.title, source.metadata.author])).toEqual([
      ['book:1', 'One', 'Ann'],
      ['book:2', 'Two', 'Bob'],
    ]);
    expect(sources[0]?.id).toBeLessThan(sources[1]?.id ?? 0);
    const plan = connection
      .prepare('EXPLAIN QUERY PLAN SELECT metadata FROM memory_sources INDEXED BY memory_sources_listing')
      .all() as { detail: string }[];
    expect(plan.map((step) => step.detail).join(' ')).toContain('COVERING INDEX memory_sources_listing');
    await ingester.close();
  });
});
