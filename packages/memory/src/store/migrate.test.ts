import { describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import { createIngester } from '../ingest/ingester.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { countChunksBySource } from './count-chunks-by-source.js';
import { migrate, readSchemaVersion } from './migrate.js';
import { latestSchemaVersion } from './schema.js';
import { getSourceByUri, listSources } from './sources.js';

describe('migrate', () => {
  it('creates the schema once and is a no-op the second time', async () => {
    const database = createInMemoryDatabase();
    const first = await migrate(database);
    expect(first).toEqual({
      from: 0,
      to: latestSchemaVersion,
      applied: Array.from({ length: latestSchemaVersion }, (_, i) => i + 1),
    });
    const second = await migrate(database);
    expect(second.applied).toEqual([]);
    const tables = database
      .getConnection()
      .prepare("SELECT name FROM sqlite_master WHERE name LIKE 'memory_%' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining(['memory_sources', 'memory_chunks', 'memory_fts', 'memory_facts']),
    );
  });

  it('upgrades from an older version, leaving the consumer tables alone', async () => {
    const database = createInMemoryDatabase();
    const connection = database.getConnection();
    connection.exec(
      "CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO books VALUES (1, 'x')",
    );
    await migrate(database);
    // Pretend the database stopped at version 1: drop what versions 2 and 4 added (3 only wrote rows).
    connection.exec(
      "DROP TABLE memory_facts; DROP TABLE memory_facts_fts; DROP TABLE memory_source_counts; DROP INDEX memory_sources_listing; UPDATE memory_meta SET value = '1' WHERE key = 'schema_version'",
    );
    const report = await migrate(database);
    expect(report.from).toBe(1);
    expect(report.applied).toEqual(Array.from({ length: latestSchemaVersion - 1 }, (_, i) => i + 2));
    expect(connection.prepare('SELECT title FROM books').pluck().get()).toBe('x');
  });

  it("upgrades a version 3 database with books: each source's chunk count kept from then on", async () => {
    const database = createInMemoryDatabase();
    const connection = database.getConnection();
    await migrate(database);
    const ingester = createIngester({ database, chunkerOptions: { maxTokens: 8, overlapTokens: 0 } });
    const sentences = (count: number) =>
      Array.from({ length: count }, (_, index) => `Line ${index} of a book about rivers.`).join('\n\n');
    await ingester.ingest([
      { uri: 'book:a', text: sentences(9), title: 'A', metadata: { author: 'Ann' } },
      { uri: 'book:b', text: sentences(3), title: 'B' },
      { uri: 'book:c', text: 'One line.', title: 'C' },
    ]);
    // Back to what version 3 stored: no kept counts, no listing index.
    connection.exec(
      "DROP TABLE memory_source_counts; DROP INDEX memory_sources_listing; UPDATE memory_meta SET value = '3' WHERE key = 'schema_version'",
    );
    const report = await migrate(database);
    expect(report).toMatchObject({ from: 3, applied: [4] });
    const counted = (uri: string) =>
      connection
        .prepare('SELECT count(*) FROM memory_chunks WHERE source_id = ?')
        .pluck()
        .get(getSourceByUri(connection, uri)?.id);
    const counts = countChunksBySource(connection);
    expect(counted('book:a')).toBeGreaterThan(3);
    expect([...counts.values()]).toEqual([counted('book:a'), counted('book:b'), counted('book:c')]);
    expect(listSources(connection).map((source) => source.title)).toEqual(['A', 'B', 'C']);

    // The upgraded database keeps counting: add, replace, remove.
    await ingester.ingest([
      { uri: 'book:d', text: sentences(5) },
      { uri: 'book:b', text: sentences(7) },
    ]);
    await ingester.remove(['book:a']);
    const after = countChunksBySource(connection);
    expect(after.size).toBe(3);
    for (const uri of ['book:b', 'book:c', 'book:d']) {
      expect(after.get(getSourceByUri(connection, uri)?.id ?? 0)).toBe(counted(uri));
    }
    await ingester.close();
  });

  it('refuses a database written by a newer version', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    database.getConnection().exec("UPDATE memory_meta SET value = '999' WHERE key = 'schema_version'");
    await expect(migrate(database)).rejects.toSatisfy(
      (error) => MemoryError.isInstance(error) && error.code === 'schema_too_new',
    );
    expect(readSchemaVersion(database)).toBe(999);
  });

  it('keeps two databases in one process apart', async () => {
    const first = createInMemoryDatabase();
    const second = createInMemoryDatabase();
    await migrate(first);
    expect(readSchemaVersion(second)).toBe(0);
    await migrate(second);
    first.getConnection().exec("INSERT INTO memory_meta VALUES ('marker', 'first')");
    expect(
      second.getConnection().prepare("SELECT value FROM memory_meta WHERE key = 'marker'").get(),
    ).toBeUndefined();
  });
});
