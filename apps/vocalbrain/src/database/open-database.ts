import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabaseFile, type WriteLock } from '@klody/memory';
import type Database from 'better-sqlite3';

export type Connection = Database.Database;

export interface VocalBrainDatabase {
  /** The app's one read-write connection (better-sqlite3 is synchronous; one per process is right). */
  getConnection(): Connection;
  /** Serialises writes that span awaits (the audio library's memory package takes it too). */
  writeLock: WriteLock;
  readonly path: string;
  close(): void;
}

/**
 * Opens (and creates) `$KLODY_HOME/vocalbrain/vocalbrain.db` through @klody/memory's
 * `openDatabaseFile`: WAL, busy_timeout, sqlite-vec (the audio library's vectors). Each store module
 * creates its own tables (`CREATE TABLE IF NOT EXISTS`) when it is made.
 */
export function openVocalBrainDatabase(path: string): VocalBrainDatabase {
  mkdirSync(dirname(path), { recursive: true });
  const database = openDatabaseFile(path);
  const connection = database.getConnection();
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  let closed = false;
  return {
    path,
    getConnection: () => connection,
    writeLock: database.writeLock,
    close: () => {
      if (closed) return;
      closed = true;
      database.close();
    },
  };
}
