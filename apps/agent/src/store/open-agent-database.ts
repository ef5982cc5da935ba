import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type MemoryDatabase, openDatabaseFile } from '@klody/memory';
import type Database from 'better-sqlite3';

/** The agent's one database file: sessions, turns, messages, tool calls, approvals and semantic memory. */
export interface AgentDatabase {
  readonly path: string;
  /** The one read-write connection of the process (better-sqlite3 is synchronous). */
  connection: Database.Database;
  /** The same connection as @klody/memory wants it, for the agent's semantic memory. */
  memoryDatabase: MemoryDatabase;
  close(): void;
}

/** `$KLODY_HOME/agent/agent.db`. */
export function agentDatabasePath(klodyHome: string): string {
  return join(klodyHome, 'agent', 'agent.db');
}

/**
 * Opens (and creates) the agent's database through @klody/memory's `openDatabaseFile`: WAL (so that a
 * reader such as `agent backfill` does not block a running `agent serve`), a busy timeout, sqlite-vec
 * for the semantic memory's vectors. `synchronous = FULL`: a turn's data written before a crash is
 * there after the restart, which is the point of persisting approvals.
 */
export function openAgentDatabase(path: string): AgentDatabase {
  mkdirSync(dirname(path), { recursive: true });
  const memoryDatabase = openDatabaseFile(path);
  const connection = memoryDatabase.getConnection();
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  return { path, connection, memoryDatabase, close: () => memoryDatabase.close() };
}
