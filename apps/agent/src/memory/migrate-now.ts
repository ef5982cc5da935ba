import { latestSchemaVersion, type MemoryDatabase, migrate, readSchemaVersion } from '@klody/memory';
import type Database from 'better-sqlite3';

/**
 * Creates or upgrades @klody/memory's tables in the agent's database before `createAgentMemory`
 * returns, so that the agent memory is usable at once (the agent's factories are synchronous, like
 * better-sqlite3). `migrate` is async only because it waits for a write lock; given a lock that runs
 * its callback at once, all its SQLite work (synchronous) is done when the call returns. If a later
 * version of the package awaited something first, the version check below fails loudly instead of
 * leaving tables missing.
 */
export function migrateNow(connection: Database.Database): void {
  let failure: unknown = null;
  const immediate: MemoryDatabase = {
    getConnection: () => connection,
    writeLock: {
      runExclusive<T>(callback: () => T | Promise<T>): Promise<T> {
        try {
          return Promise.resolve(callback());
        } catch (error) {
          failure = error;
          return Promise.reject(error);
        }
      },
    },
  };
  // The rejection, if any, is rethrown below synchronously; the promise itself is left handled.
  migrate(immediate).catch(() => undefined);
  if (failure !== null) throw failure;
  const version = readSchemaVersion(immediate);
  if (version < latestSchemaVersion) {
    throw new Error(
      `@klody/memory's schema is at version ${version} after migrating, ${latestSchemaVersion} expected: migrate no longer runs synchronously`,
    );
  }
}
