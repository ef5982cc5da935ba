// A real SemanticMemory in a real SQLite file of a temporary folder, for the tool tests of a file:
// opened before its tests, closed and removed after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSemanticMemory, migrate, openDatabaseFile, type SemanticMemory } from '@klody/memory';
import { afterAll, beforeAll } from 'vitest';

export interface TemporarySemanticMemory {
  /** The temporary folder: the database is there, and a test may put its own files there too. */
  readonly folder: string;
  /** The memory (namespace `user`); read it inside tests, once it is open. */
  readonly memory: SemanticMemory;
}

export function useTemporarySemanticMemory(prefix: string): TemporarySemanticMemory {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  let database: ReturnType<typeof openDatabaseFile> | undefined;
  let memory: SemanticMemory | undefined;

  beforeAll(async () => {
    database = openDatabaseFile(join(folder, 'agent.db'));
    await migrate(database);
    memory = createSemanticMemory({ database, namespace: 'user' });
  });

  afterAll(() => {
    database?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  return {
    folder,
    get memory() {
      if (!memory) throw new Error('the memory opens before the tests: read it inside a test');
      return memory;
    },
  };
}
