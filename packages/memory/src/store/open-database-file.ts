import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { MemoryDatabase } from './memory-database.js';

export interface OpenDatabaseFileOptions {
  readonly?: boolean;
  /** busy_timeout in ms (default 5,000). */
  busyTimeoutMs?: number;
  /**
   * Page cache of the connection in MiB (default 64; SQLite's own default is 2). Ingestion writes
   * into B-trees that outgrow a small cache: at 100 k chunks the writes ran 10 % faster with 64.
   */
  cacheMiB?: number;
}

/**
 * Opens a database file the way Klody apps do (WAL, busy_timeout, a 64 MiB page cache, sqlite-vec
 * loaded) with its own write lock. A convenience for tools and apps: the package itself never opens
 * files on its own.
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
  connection.pragma(`cache_size = ${-Math.max(1, Math.floor(options.cacheMiB ?? 64)) * 1024}`);
  sqliteVec.load(connection);
  return { getConnection: () => connection, writeLock: new Mutex(), close: () => connection.close() };
}

/** The read-only connection factory for `createWorkerRetriever` (export it from your own module, or use this one). */
export function openReadOnlyConnection(path: string): Database.Database {
  return openDatabaseFile(path, { readonly: true }).getConnection();
}
