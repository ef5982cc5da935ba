import type { Database } from 'better-sqlite3';

export interface IndexStatistics {
  chunks: number;
  /** Analysed terms over all chunks (FTS5 tokens): chunks / terms is BM25's average length. */
  indexedTerms: number;
}

/** Collection statistics kept in memory_meta by every write (schema 3). */
export function readIndexStatistics(connection: Database): IndexStatistics {
  const rows = connection
    .prepare("SELECT key, value FROM memory_meta WHERE key IN ('chunks', 'indexed_terms')")
    .all() as { key: string; value: string }[];
  const value = (key: string) => Number(rows.find((row) => row.key === key)?.value ?? 0);
  return { chunks: value('chunks'), indexedTerms: value('indexed_terms') };
}

/** Adds (or, negative, removes) chunks and terms; call inside the write's transaction. */
export function adjustIndexStatistics(connection: Database, chunks: number, indexedTerms: number): void {
  const update = connection.prepare(
    'UPDATE memory_meta SET value = CAST(value AS INTEGER) + ? WHERE key = ?',
  );
  update.run(chunks, 'chunks');
  update.run(indexedTerms, 'indexed_terms');
}
