import type { Database } from 'better-sqlite3';

/** Anything with `runExclusive`, e.g. an async-mutex `Mutex`: one writer at a time per database. */
export interface WriteLock {
  runExclusive<T>(callback: () => T | Promise<T>): Promise<T>;
}

/**
 * The consumer's database as the package sees it. The package never opens or closes it: the consumer
 * owns the file, its pragmas (WAL, busy_timeout) and loads sqlite-vec into the connection.
 */
export interface MemoryDatabase {
  getConnection(): Database;
  writeLock: WriteLock;
}
