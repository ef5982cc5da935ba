import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { MemoryDatabase } from '../store/memory-database.js';

/**
 * A real SQLite database in memory with sqlite-vec loaded and its own write lock: what a consumer's
 * unit test injects instead of its database file. Not a fake: every query runs for real.
 */
export function createInMemoryDatabase(): MemoryDatabase & { close(): void } {
  const connection = new Database(':memory:');
  sqliteVec.load(connection);
  return {
    getConnection: () => connection,
    writeLock: new Mutex(),
    close: () => connection.close(),
  };
}
