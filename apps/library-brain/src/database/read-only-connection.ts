// Loaded inside the memory package's retrieval worker threads: a better-sqlite3 connection cannot
// cross threads, so each thread opens its own, read-only, on the app's file.
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';

export function openReadOnlyConnection(path: unknown): Database.Database {
  if (typeof path !== 'string') throw new Error('openReadOnlyConnection needs the database path');
  const connection = new Database(path, { readonly: true });
  sqliteVec.load(connection);
  connection.pragma('busy_timeout = 5000');
  return connection;
}
