// Loaded inside the memory package's retrieval worker threads: a better-sqlite3 connection cannot
// cross threads, so each thread opens its own, read-only, on the app's file, the way memory opens it.
import { openReadOnlyConnection as openMemoryReadOnlyConnection } from '@klody/memory';
import type Database from 'better-sqlite3';

export function openReadOnlyConnection(path: unknown): Database.Database {
  if (typeof path !== 'string') throw new Error('openReadOnlyConnection needs the database path');
  return openMemoryReadOnlyConnection(path);
}
