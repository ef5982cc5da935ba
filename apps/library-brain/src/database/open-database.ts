import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabaseFile, type WriteLock } from '@klody/memory';
import type Database from 'better-sqlite3';
import { openReadOnlyConnection } from './read-only-connection.js';

export type Connection = Database.Database;

export interface LibraryDatabase {
  /** The app's one read-write connection (better-sqlite3 is synchronous; one per process is right). */
  getConnection(): Connection;
  /** Serialises writes: the memory package's and the app's own. */
  writeLock: WriteLock;
  /** A new read-only connection, e.g. for a worker thread's scans (connections cannot cross threads). */
  openReadOnlyConnection(): Connection;
  readonly path: string;
  close(): void;
}

/**
 * Opens (and creates) Library Brain's database through @klody/memory's `openDatabaseFile`: WAL (the
 * switch retried while another process creates the same file), busy_timeout, a 64 MiB page cache,
 * sqlite-vec. Two `library-brain ingest` commands on one new library both get in.
 */
export function openLibraryDatabase(path: string): LibraryDatabase {
  mkdirSync(dirname(path), { recursive: true });
  const database = openDatabaseFile(path);
  const connection = database.getConnection();
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  return {
    path,
    getConnection: () => connection,
    writeLock: database.writeLock,
    openReadOnlyConnection: () => openReadOnlyConnection(path),
    close: () => database.close(),
  };
}
