import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { openReadOnlyConnection } from './read-only-connection.js';

export type Connection = Database.Database;

export interface LibraryDatabase {
  /** The app's one read-write connection (better-sqlite3 is synchronous; one per process is right). */
  getConnection(): Connection;
  /** Serialises writes: the memory package's and the app's own. */
  writeLock: Mutex;
  /** A new read-only connection, e.g. for a worker thread's scans (connections cannot cross threads). */
  openReadOnlyConnection(): Connection;
  readonly path: string;
  close(): void;
}

function configure(connection: Connection): Connection {
  sqliteVec.load(connection);
  // Readers and the single writer do not block each other; a busy writer is waited for, not failed.
  connection.pragma('busy_timeout = 5000');
  return connection;
}

/** Opens (and creates) Library Brain's database with WAL, busy_timeout and sqlite-vec. */
export function openLibraryDatabase(path: string): LibraryDatabase {
  mkdirSync(dirname(path), { recursive: true });
  const connection = configure(new Database(path));
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  // SQLite's 2 MiB default page cache slows ingestion once the indexes outgrow it.
  connection.pragma('cache_size = -65536');
  connection.pragma('foreign_keys = ON');
  return {
    path,
    getConnection: () => connection,
    writeLock: new Mutex(),
    openReadOnlyConnection: () => openReadOnlyConnection(path),
    close: () => connection.close(),
  };
}
