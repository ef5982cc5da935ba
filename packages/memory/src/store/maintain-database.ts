import { throwIfAborted } from '../errors/index.js';
import {
  type MaintainVectorIndexOptions,
  maintainVectorIndex,
  type VectorIndexMaintenance,
} from './maintain-vector-index.js';
import type { MemoryDatabase } from './memory-database.js';

export type MaintenanceStep = 'integrity' | 'full_text' | 'vector_index' | 'vacuum' | 'statistics';

export interface MaintenanceProgress {
  step: MaintenanceStep;
  state: 'started' | 'done';
  /** One line for people: what was found or done. */
  message: string;
}

export interface MaintainDatabaseOptions {
  /** `quick` (PRAGMA quick_check, the default: seconds) or `full` (integrity_check, also checks indexes). */
  check?: 'quick' | 'full';
  /**
   * Rebuild the full-text indexes from their stored text instead of merging their segments
   * ('optimize'). A full-text index that fails its own integrity check is rebuilt in any case.
   */
  rebuildFullText?: boolean;
  /** Options of `maintainVectorIndex`, or false to leave the vector index alone. */
  vectorIndex?: MaintainVectorIndexOptions | false;
  /**
   * `auto` (the default): VACUUM when at least `vacuumFreeShare` of the file is free pages;
   * `always`; `never`.
   */
  vacuum?: 'auto' | 'always' | 'never';
  /** Share of free pages from which `auto` vacuums (default 0.1). */
  vacuumFreeShare?: number;
  signal?: AbortSignal;
  onProgress?: (progress: MaintenanceProgress) => void;
}

export interface DatabaseMaintenanceReport {
  integrity: { ok: boolean; check: 'quick' | 'full'; problems: string[] };
  fullText: { table: string; action: 'optimized' | 'rebuilt'; reason: string | null }[];
  vectorIndex: VectorIndexMaintenance | null;
  vacuum: { done: boolean; bytesBefore: number; bytesAfter: number; freeShare: number };
  seconds: number;
}

/** The FTS5 tables of the database (not their fts5vocab views): `memory_fts`, `memory_facts_fts`, the consumer's own. */
function fullTextTables(connection: ReturnType<MemoryDatabase['getConnection']>): string[] {
  return (
    connection
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'",
      )
      .all() as { name: string; sql: string }[]
  )
    .filter((table) => /\busing\s+fts5\s*\(/i.test(table.sql))
    .map((table) => table.name)
    .sort();
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Keeps a consumer's database in shape, step by step, each reported through `onProgress`:
 * 1. integrity: PRAGMA quick_check (or integrity_check);
 * 2. full text: each FTS5 table's own integrity check, then 'optimize' (its segments merged into
 *    one, faster queries) or 'rebuild' when asked or when the check failed;
 * 3. the vector index: `maintainVectorIndex` (an inverted file built or rebuilt by size);
 * 4. VACUUM when enough of the file is free pages (or always, or never), then PRAGMA optimize.
 *
 * Safe while another process answers queries from the same file: in WAL mode its readers keep their
 * snapshot, each step writes in its own short transaction under the write lock (BEGIN IMMEDIATE,
 * waiting for busy_timeout), and VACUUM rewrites the file without changing any chunk's id (every
 * table the package reads by rowid has an INTEGER PRIMARY KEY). A writer in another process waits
 * for it (busy_timeout): run it when the library is not being ingested into.
 */
export async function maintainDatabase(
  database: MemoryDatabase,
  options: MaintainDatabaseOptions = {},
): Promise<DatabaseMaintenanceReport> {
  const connection = database.getConnection();
  const started = performance.now();
  const report = (step: MaintenanceStep, state: MaintenanceProgress['state'], message: string) =>
    options.onProgress?.({ step, state, message });

  // 1. The whole file.
  const check = options.check ?? 'quick';
  report('integrity', 'started', `${check === 'quick' ? 'quick_check' : 'integrity_check'} running`);
  const problems = (
    connection
      .prepare(`PRAGMA ${check === 'quick' ? 'quick_check' : 'integrity_check'}`)
      .pluck()
      .all() as string[]
  ).filter((line) => line !== 'ok');
  report(
    'integrity',
    'done',
    problems.length === 0
      ? 'the database is sound'
      : `${problems.length} problems: ${problems.slice(0, 3).join('; ')}`,
  );

  // 2. Full-text indexes.
  const fullText: DatabaseMaintenanceReport['fullText'] = [];
  for (const table of fullTextTables(connection)) {
    throwIfAborted(options.signal);
    report('full_text', 'started', `${table}: checking`);
    let reason: string | null = options.rebuildFullText ? 'asked' : null;
    if (!reason) {
      try {
        connection
          .prepare(`INSERT INTO ${quoted(table)} (${quoted(table)}, rank) VALUES ('integrity-check', 1)`)
          .run();
      } catch (error) {
        reason = `integrity check failed: ${(error as Error).message}`;
      }
    }
    const action = reason ? 'rebuilt' : 'optimized';
    await database.writeLock.runExclusive(() =>
      connection
        .transaction(() => {
          connection
            .prepare(`INSERT INTO ${quoted(table)} (${quoted(table)}) VALUES (?)`)
            .run(action === 'rebuilt' ? 'rebuild' : 'optimize');
        })
        .immediate(),
    );
    fullText.push({ table, action, reason });
    report('full_text', 'done', `${table}: ${action}${reason ? ` (${reason})` : ''}`);
  }

  // 3. The vector index.
  let vectorIndex: VectorIndexMaintenance | null = null;
  if (options.vectorIndex !== false) {
    throwIfAborted(options.signal);
    report('vector_index', 'started', 'vector index: checking its layout');
    vectorIndex = await maintainVectorIndex(database, options.vectorIndex ?? {});
    report(
      'vector_index',
      'done',
      vectorIndex.index
        ? `vector index: ${vectorIndex.action === 'none' ? 'nothing to do' : `inverted file ${vectorIndex.action}`} (${vectorIndex.vectors} vectors)`
        : 'no vector index',
    );
  }

  // 4. Free space.
  throwIfAborted(options.signal);
  const pragma = (name: string) => connection.pragma(name, { simple: true }) as number;
  const pageSize = pragma('page_size');
  const bytesBefore = pragma('page_count') * pageSize;
  const freeShare = bytesBefore > 0 ? (pragma('freelist_count') * pageSize) / bytesBefore : 0;
  const mode = options.vacuum ?? 'auto';
  const vacuuming = mode === 'always' || (mode === 'auto' && freeShare >= (options.vacuumFreeShare ?? 0.1));
  report(
    'vacuum',
    'started',
    vacuuming
      ? `VACUUM: ${(freeShare * 100).toFixed(1)} % of the file is free`
      : `no VACUUM needed (${(freeShare * 100).toFixed(1)} % free)`,
  );
  if (vacuuming) {
    await database.writeLock.runExclusive(() => {
      connection.exec('VACUUM');
      // The rewritten pages went through the WAL: copied back now, without waiting on readers.
      connection.pragma('wal_checkpoint(PASSIVE)');
    });
  }
  const bytesAfter = pragma('page_count') * pageSize;
  report('vacuum', 'done', vacuuming ? `${bytesBefore} → ${bytesAfter} bytes` : 'left as is');

  report('statistics', 'started', 'PRAGMA optimize');
  connection.pragma('optimize');
  report('statistics', 'done', 'query planner statistics up to date');

  return {
    integrity: { ok: problems.length === 0, check, problems },
    fullText,
    vectorIndex,
    vacuum: { done: vacuuming, bytesBefore, bytesAfter, freeShare },
    seconds: (performance.now() - started) / 1000,
  };
}
