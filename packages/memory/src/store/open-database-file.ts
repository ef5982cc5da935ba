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
 * Switches a connection's file to WAL. The switch needs an exclusive lock and SQLite does not wait
 * for it (busy_timeout does not apply): two processes creating the same new file at once saw
 * "database is locked" here. So it is retried until `timeoutMs`; once the file is in WAL (the mode
 * is stored in the file) there is nothing to switch and no lock to take.
 */
function enableWriteAheadLog(connection: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      if (connection.pragma('journal_mode', { simple: true }) === 'wal') return;
      connection.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      // Opening is synchronous (better-sqlite3): a short blocking pause, as SQLite's own busy handler does.
      Atomics.wait(pause, 0, 0, 10);
    }
  }
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
  const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000));
  connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (!options.readonly) enableWriteAheadLog(connection, busyTimeoutMs);
  connection.pragma(`cache_size = ${-Math.max(1, Math.floor(options.cacheMiB ?? 64)) * 1024}`);
  sqliteVec.load(connection);
  return { getConnection: () => connection, writeLock: new Mutex(), close: () => connection.close() };
}

/** The read-only connection factory for `createWorkerRetriever` (export it from your own module, or use this one). */
export function openReadOnlyConnection(path: string): Database.Database {
  return openDatabaseFile(path, { readonly: true }).getConnection();
}
