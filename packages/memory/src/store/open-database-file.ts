import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { MemoryDatabase } from './memory-database.js';

export interface OpenDatabaseFileOptions {
  readonly?: boolean;
  /** busy_timeout in ms (default 5,000). */
  busyTimeoutMs?: number;
}

/**
 * Opens a database file the way Klody apps do (WAL, busy_timeout, sqlite-vec loaded) with its own
 * write lock. A convenience for tools and apps: the package itself never opens files on its own.
 */
export function openDatabaseFile(
  path: string,
  options: OpenDatabaseFileOptions = {},
): MemoryDatabase & { close(): void } {
  const connection = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  if (!options.readonly) connection.pragma('journal_mode = WAL');
  connection.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
  sqliteVec.load(connection);
  return { getConnection: () => connection, writeLock: new Mutex(), close: () => connection.close() };
}

/** The read-only connection factory for `createWorkerRetriever` (export it from your own module, or use this one). */
export function openReadOnlyConnection(path: string): Database.Database {
  return openDatabaseFile(path, { readonly: true }).getConnection();
}
