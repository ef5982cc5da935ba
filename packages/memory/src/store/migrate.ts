import { MemoryError } from '../errors/index.js';
import type { MemoryDatabase } from './memory-database.js';
import { latestSchemaVersion, type Migration, migrations } from './schema.js';

export interface MigrationReport {
  from: number;
  to: number;
  applied: number[];
}

/** Reads the schema version the package recorded in this database (0 when never migrated). */
export function readSchemaVersion(database: MemoryDatabase): number {
  const connection = database.getConnection();
  const table = connection
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'memory_meta'")
    .get();
  if (!table) return 0;
  const row = connection.prepare("SELECT value FROM memory_meta WHERE key = 'schema_version'").get() as
    | { value: string }
    | undefined;
  return row ? Number(row.value) : 0;
}

/**
 * Creates or upgrades the package's tables inside the consumer's database. Each step runs in its own
 * transaction with the version bump, so a crash mid-upgrade leaves the previous version intact.
 * A database written by a newer version of the package is refused rather than guessed at.
 *
 * Two processes may open a new database at the same moment (two ingestions started together): each
 * step takes SQLite's write lock first (BEGIN IMMEDIATE, waiting up to busy_timeout) and re-reads the
 * version under it, so a step the other process applied meanwhile is skipped, not applied twice.
 */
export async function migrate(database: MemoryDatabase): Promise<MigrationReport> {
  return database.writeLock.runExclusive(() => {
    const connection = database.getConnection();
    connection
      .transaction(() =>
        connection.exec('CREATE TABLE IF NOT EXISTS memory_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)'),
      )
      .immediate();
    const from = readSchemaVersion(database);
    if (from > latestSchemaVersion) {
      throw new MemoryError(
        'schema_too_new',
        `the database has memory schema ${from}, this version of @klody/memory knows up to ${latestSchemaVersion}`,
      );
    }
    const step = connection.transaction((migration: Migration): boolean => {
      if (readSchemaVersion(database) >= migration.version) return false;
      migration.up(connection);
      connection
        .prepare(
          "INSERT INTO memory_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        )
        .run(String(migration.version));
      return true;
    });
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      if (step.immediate(migration)) applied.push(migration.version);
    }
    return { from, to: latestSchemaVersion, applied };
  });
}
