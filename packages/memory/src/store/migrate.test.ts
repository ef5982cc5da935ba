import { describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { migrate, readSchemaVersion } from './migrate.js';
import { latestSchemaVersion } from './schema.js';

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
    // Pretend the database stopped at version 1: drop what version 2 added.
    connection.exec(
      "DROP TABLE memory_facts; DROP TABLE memory_facts_fts; UPDATE memory_meta SET value = '1' WHERE key = 'schema_version'",
    );
    const report = await migrate(database);
    expect(report.from).toBe(1);
    expect(report.applied).toEqual([2, 3]);
    expect(connection.prepare('SELECT title FROM books').pluck().get()).toBe('x');
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
