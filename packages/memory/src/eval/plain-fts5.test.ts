import { describe, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { migrate } from '../store/migrate.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { buildPlainIndex, plainMatchExpression, plainSearch } from './plain-fts5.js';

describe('plain FTS5 porter baseline', () => {
  it('quotes every word, so no query text is FTS5 syntax', () => {
    expect(plainMatchExpression('Heat "transfer" AND NEAR(flow) -x')).toBe(
      '"heat" OR "transfer" OR "and" OR "near" OR "flow" OR "x"',
    );
    expect(plainMatchExpression(' ?! ')).toBe('');
  });

  it('stems with porter and ranks the chunks of the evaluation database by BM25', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    await createIngester({ database, embedder: null }).ingest([
      {
        uri: 'a',
        title: 'Boundary layers',
        text: 'Heated plates transfer heat to the boundary layer.',
        format: 'txt',
      },
      { uri: 'b', title: 'Wings', text: 'Wings at high speed meet compressible flow.', format: 'txt' },
    ]);
    const connection = database.getConnection();
    buildPlainIndex(connection);
    buildPlainIndex(connection); // building twice indexes nothing twice
    expect(connection.prepare('SELECT count(*) FROM eval_plain_fts').pluck().get()).toBe(2);
    const uriOf = (id: number) =>
      connection
        .prepare(
          'SELECT s.uri FROM memory_chunks c JOIN memory_sources s ON s.id = c.source_id WHERE c.id = ?',
        )
        .pluck()
        .get(id);
    // "heating" and "layers" only match through porter's stems of "heated"/"heat" and "layer".
    expect(plainSearch(connection, 'heating of layers', 10).map(uriOf)).toEqual(['a']);
    expect(plainSearch(connection, 'wing', 10).map(uriOf)).toEqual(['b']);
    expect(plainSearch(connection, '!!', 10)).toEqual([]);
    database.close();
  });
});
