// What the user added to the agent's knowledge (`pnpm agent knowledge add <path>`), in agent.db: the
// added paths in `agent_knowledge_roots`, their sources in @klody/memory's tables (memory_sources,
// memory_chunks) through its ingester, and which sources each path holds in
// `agent_knowledge_sources`, so that `list` counts them and `remove` deletes exactly them.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  countChunksBySource,
  type Ingester,
  type IngestProgress,
  type IngestReport,
  listSources,
  type MemoryDatabase,
  MemoryError,
  type MemoryErrorCode,
} from '@klody/memory';
import type Database from 'better-sqlite3';
import { KnowledgeError } from './knowledge-error.js';
import type { KnowledgeKind, KnowledgeKindName } from './knowledge-kind.js';

export interface KnowledgeRoot {
  /** Absolute path, as added. */
  path: string;
  kind: KnowledgeKindName;
  /** ISO 8601. */
  addedAt: string;
  /** ISO 8601; null before the first sync ended. */
  lastSyncedAt: string | null;
  /** The last sync's report; null before the first sync ended. */
  lastReport: IngestReport | null;
  /** Sources (files, conversations, notes) this path holds now. */
  sources: number;
  /** Their passages (chunks). */
  passages: number;
}

export interface KnowledgeSyncResult {
  path: string;
  kind: KnowledgeKindName;
  dryRun: boolean;
  report: IngestReport;
}

export interface KnowledgeCommandOptions {
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress & { path: string }) => void;
}

export interface KnowledgeBase {
  /**
   * Records a path (file or folder) and syncs it. The kind is detected unless given. A dry run
   * records nothing and writes nothing. Adding a path already added syncs it again (its kind may change).
   */
  add(
    path: string,
    options?: KnowledgeCommandOptions & { kind?: KnowledgeKindName | null },
  ): Promise<KnowledgeSyncResult>;
  /** Syncs every added path, or one. A path that is gone is reported failed, and its sources are kept. */
  sync(path?: string | null, options?: KnowledgeCommandOptions): Promise<KnowledgeSyncResult[]>;
  list(): KnowledgeRoot[];
  /** Forgets an added path and deletes its sources (those no other added path holds). */
  remove(path: string): Promise<{ path: string; kind: KnowledgeKindName; removedSources: number }>;
  /** True when at least one path was added. */
  hasRoots(): boolean;
}

export interface KnowledgeBaseOptions {
  /** The agent's connection to agent.db. */
  connection: Database.Database;
  /** The same database as @klody/memory wants it (its write lock included). */
  memoryDatabase: MemoryDatabase;
  ingester: Ingester;
  /** In detection order (createKnowledgeKinds). */
  kinds: readonly KnowledgeKind[];
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
}

const schema = `
  CREATE TABLE IF NOT EXISTS agent_knowledge_roots (
    path TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    last_synced_at INTEGER,
    last_report TEXT
  );
  CREATE TABLE IF NOT EXISTS agent_knowledge_sources (
    root_path TEXT NOT NULL REFERENCES agent_knowledge_roots(path) ON DELETE CASCADE,
    uri TEXT NOT NULL,
    PRIMARY KEY (root_path, uri)
  );
  CREATE INDEX IF NOT EXISTS agent_knowledge_sources_by_uri ON agent_knowledge_sources (uri);
`;

interface RootRow {
  path: string;
  kind: KnowledgeKindName;
  added_at: number;
  last_synced_at: number | null;
  last_report: string | null;
}

function failedReport(path: string, message: string, code: MemoryErrorCode = 'load_failed'): IngestReport {
  return {
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    failed: [{ uri: path, code, message }],
    skipped: [],
    chunks: 0,
    seconds: 0,
  };
}

/** A path's own uris: itself, and everything under it when it is a folder. */
function isUnder(uri: string, root: string): boolean {
  return uri === root || uri.startsWith(root.endsWith('/') ? root : `${root}/`);
}

export function createKnowledgeBase(options: KnowledgeBaseOptions): KnowledgeBase {
  const { connection, memoryDatabase, ingester, kinds } = options;
  const now = options.now ?? Date.now;
  connection.exec(schema);
  const statements = {
    root: connection.prepare('SELECT * FROM agent_knowledge_roots WHERE path = ?'),
    roots: connection.prepare('SELECT * FROM agent_knowledge_roots ORDER BY added_at, path'),
    upsertRoot: connection.prepare(
      `INSERT INTO agent_knowledge_roots (path, kind, added_at) VALUES (?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET kind = excluded.kind`,
    ),
    synced: connection.prepare(
      'UPDATE agent_knowledge_roots SET last_synced_at = ?, last_report = ? WHERE path = ?',
    ),
    deleteRoot: connection.prepare('DELETE FROM agent_knowledge_roots WHERE path = ?'),
    owned: connection.prepare('SELECT uri FROM agent_knowledge_sources WHERE root_path = ?').pluck(),
    own: connection.prepare('INSERT OR IGNORE INTO agent_knowledge_sources (root_path, uri) VALUES (?, ?)'),
    disown: connection.prepare('DELETE FROM agent_knowledge_sources WHERE root_path = ? AND uri = ?'),
    ownedElsewhere: connection
      .prepare('SELECT 1 FROM agent_knowledge_sources WHERE uri = ? AND root_path <> ?')
      .pluck(),
  };

  /** Every stored source's id, by uri: compared before and after a sync to see what it wrote. */
  function sourceIds(): Map<string, number> {
    return new Map(listSources(memoryDatabase.getConnection()).map((source) => [source.uri, source.id]));
  }

  function kindNamed(name: KnowledgeKindName): KnowledgeKind {
    const kind = kinds.find((candidate) => candidate.name === name);
    if (!kind)
      throw new KnowledgeError(
        'invalid_kind',
        `unknown kind ${name}; the kinds are ${kinds.map((candidate) => candidate.name).join(', ')}`,
      );
    return kind;
  }

  async function existing(path: string): Promise<Stats> {
    const entry = await stat(path).catch(() => null);
    if (!entry || !(entry.isFile() || entry.isDirectory()))
      throw new KnowledgeError('path_not_found', `no file or folder at ${path}`);
    return entry;
  }

  async function detect(path: string, entry: Stats): Promise<KnowledgeKind> {
    for (const kind of kinds) if (await kind.detect(path, entry)) return kind;
    return kindNamed('documents');
  }

  /**
   * Which sources a path holds after its sync: those it held that still exist, those the sync wrote
   * (new or replaced: their id changed), and, for paths on disk, every source stored under it (a file
   * another path wrote first, unchanged since). Conversations have uris of their own, so only the
   * first two rules find them.
   */
  function recordOwnership(path: string, before: Map<string, number>): void {
    const after = sourceIds();
    connection.transaction(() => {
      for (const uri of statements.owned.all(path) as string[])
        if (!after.has(uri)) statements.disown.run(path, uri);
      for (const [uri, id] of after)
        if (before.get(uri) !== id || isUnder(uri, path)) statements.own.run(path, uri);
    })();
  }

  async function syncRoot(
    path: string,
    kind: KnowledgeKind,
    commandOptions: KnowledgeCommandOptions,
  ): Promise<KnowledgeSyncResult> {
    const dryRun = commandOptions.dryRun ?? false;
    const before = dryRun ? new Map<string, number>() : sourceIds();
    const { onProgress, signal } = commandOptions;
    let report: IngestReport;
    try {
      report = await kind.sync(ingester, path, {
        dryRun,
        ...(signal ? { signal } : {}),
        ...(onProgress ? { onProgress: (progress) => onProgress({ ...progress, path }) } : {}),
      });
    } catch (error) {
      if (KnowledgeError.isInstance(error) || signal?.aborted) throw error;
      // A loader that gives up on a malformed or truncated file (its message names the file and the
      // place) fails this path only: what it wrote before is kept and counted below, and the other
      // paths of a `sync` go on.
      report = failedReport(
        path,
        error instanceof Error ? error.message : String(error),
        MemoryError.isInstance(error) ? error.code : 'load_failed',
      );
    }
    if (!dryRun) {
      recordOwnership(path, before);
      statements.synced.run(now(), JSON.stringify(report), path);
    }
    return { path, kind: kind.name, dryRun, report };
  }

  function rootRow(path: string): RootRow | null {
    return (statements.root.get(path) as RootRow | undefined) ?? null;
  }

  return {
    async add(given, commandOptions = {}) {
      const path = resolve(given);
      const entry = await existing(path);
      const kind = commandOptions.kind ? kindNamed(commandOptions.kind) : await detect(path, entry);
      if (commandOptions.dryRun) return syncRoot(path, kind, commandOptions);
      const previous = rootRow(path);
      statements.upsertRoot.run(path, kind.name, now());
      try {
        return await syncRoot(path, kind, commandOptions);
      } catch (error) {
        // Refused (a kind not wired): the path is left as it was, not added.
        if (previous) statements.upsertRoot.run(path, previous.kind, previous.added_at);
        else statements.deleteRoot.run(path);
        throw error;
      }
    },
    async sync(given, commandOptions = {}) {
      const rows = given ? [rootRow(resolve(given))] : (statements.roots.all() as RootRow[]);
      if (given && !rows[0])
        throw new KnowledgeError(
          'root_not_found',
          `${resolve(given)} was never added; add it with: pnpm agent knowledge add ${given}`,
        );
      const results: KnowledgeSyncResult[] = [];
      for (const row of rows as RootRow[]) {
        // A path that is gone (a drive not mounted, a folder moved) loses nothing: its sources stay
        // until the user removes it with `knowledge remove`.
        if (!(await stat(row.path).catch(() => null))) {
          results.push({
            path: row.path,
            kind: row.kind,
            dryRun: commandOptions.dryRun ?? false,
            report: failedReport(
              row.path,
              `${row.path} is gone: its sources are kept; remove it with pnpm agent knowledge remove ${row.path}`,
            ),
          });
          continue;
        }
        try {
          results.push(await syncRoot(row.path, kindNamed(row.kind), commandOptions));
        } catch (error) {
          if (!KnowledgeError.isInstance(error)) throw error;
          // One path that cannot be synced (its kind is no longer wired) does not stop the others.
          const report = failedReport(row.path, error.message);
          results.push({ path: row.path, kind: row.kind, dryRun: commandOptions.dryRun ?? false, report });
        }
      }
      return results;
    },
    list() {
      const stored = sourceIds();
      const passages = countChunksBySource(memoryDatabase.getConnection());
      return (statements.roots.all() as RootRow[]).map((row) => {
        const ids = (statements.owned.all(row.path) as string[])
          .map((uri) => stored.get(uri))
          .filter((id): id is number => id !== undefined);
        return {
          path: row.path,
          kind: row.kind,
          addedAt: new Date(row.added_at).toISOString(),
          lastSyncedAt: row.last_synced_at === null ? null : new Date(row.last_synced_at).toISOString(),
          lastReport: row.last_report === null ? null : (JSON.parse(row.last_report) as IngestReport),
          sources: ids.length,
          passages: ids.reduce((sum, id) => sum + (passages.get(id) ?? 0), 0),
        };
      });
    },
    async remove(given) {
      const path = resolve(given);
      const row = rootRow(path);
      if (!row) throw new KnowledgeError('root_not_found', `${path} is not in the agent's knowledge`);
      const uris = (statements.owned.all(path) as string[]).filter(
        (uri) => !statements.ownedElsewhere.get(uri, path),
      );
      const removedSources = await ingester.remove(uris);
      statements.deleteRoot.run(path);
      return { path, kind: row.kind, removedSources };
    },
    hasRoots() {
      return statements.roots.all().length > 0;
    },
  };
}
