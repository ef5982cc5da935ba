// A real agent.db in a temporary folder with the knowledge base over it, as openAgentStores builds it,
// plus a folder for the user's files.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIngester, type Ingester } from '@klody/memory';
import { migrateNow } from '../../memory/migrate-now.js';
import { type AgentDatabase, agentDatabasePath, openAgentDatabase } from '../../store/open-agent-database.js';
import { createKnowledgeBase, type KnowledgeBase } from '../knowledge-base.js';
import type { KnowledgeSync } from '../knowledge-kind.js';
import { createKnowledgeKinds, type InjectedKindName } from '../knowledge-kinds.js';
import { createKnowledgeSearch, type KnowledgeSearch } from '../knowledge-search.js';

export interface KnowledgeBench {
  home: string;
  /** Where tests write the user's files. */
  files: string;
  databasePath: string;
  database: AgentDatabase;
  ingester: Ingester;
  knowledge: KnowledgeBase;
  search: KnowledgeSearch;
  cleanup(): Promise<void>;
}

export function knowledgeBench(syncs: Partial<Record<InjectedKindName, KnowledgeSync>> = {}): KnowledgeBench {
  const home = mkdtempSync(join(tmpdir(), 'klody-agent-knowledge-'));
  const files = join(home, 'files');
  mkdirSync(files);
  const databasePath = agentDatabasePath(home);
  const database = openAgentDatabase(databasePath);
  migrateNow(database.connection);
  const ingester = createIngester({ database: database.memoryDatabase });
  const knowledge = createKnowledgeBase({
    connection: database.connection,
    memoryDatabase: database.memoryDatabase,
    ingester,
    kinds: createKnowledgeKinds({ database: database.memoryDatabase, syncs }),
  });
  return {
    home,
    files,
    databasePath,
    database,
    ingester,
    knowledge,
    search: createKnowledgeSearch({ database: database.memoryDatabase }),
    async cleanup() {
      await ingester.close();
      database.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
