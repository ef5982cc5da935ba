import type { Database } from 'better-sqlite3';

// The baseline a reviewer can rebuild anywhere: FTS5's own porter stemmer over unicode61 tokens,
// no stop words, no rescoring, the query's words ORed. It indexes the same chunks (title, heading
// and text, as the shadow index sees them), so only the lexical scoring differs.
const table = 'eval_plain_fts';

/** Builds (once) a plain FTS5 porter index of every chunk in the evaluation database. */
export function buildPlainIndex(connection: Database): void {
  connection.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS ${table} USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2')`,
  );
  const indexed = connection.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  if (indexed > 0) return;
  connection.exec(
    `INSERT INTO ${table} (rowid, text)
     SELECT c.id, coalesce(s.title || char(10), '') ||
       CASE WHEN c.heading IS NOT NULL AND instr(c.text, c.heading) = 0 THEN c.heading || char(10) ELSE '' END ||
       c.text
     FROM memory_chunks c JOIN memory_sources s ON s.id = c.source_id`,
  );
}

/** The query's words, each quoted (no user text can be FTS5 syntax), joined by OR. */
export function plainMatchExpression(text: string): string {
  const words = new Set(
    text
      .normalize('NFC')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 0),
  );
  return [...words].map((word) => `"${word}"`).join(' OR ');
}

/** Chunk ids by FTS5 BM25 (k1 1.2, b 0.75), best first. */
export function plainSearch(connection: Database, text: string, limit: number): number[] {
  const expression = plainMatchExpression(text);
  if (!expression) return [];
  return connection
    .prepare(`SELECT rowid FROM ${table} WHERE ${table} MATCH ? ORDER BY rank LIMIT ?`)
    .pluck()
    .all(expression, limit) as number[];
}
