import { analyse, detectLanguage, stemsOfWord, tokenize } from '../analysis/analyser.js';
import { stopWords } from '../analysis/stop-words.js';
import type { Embedder } from '../embedder/embedder.js';
import { MemoryError } from '../errors/index.js';
import { cosine } from '../migration/compare-embedders.js';
import { toMatchExpression } from '../retriever/lexical-search.js';
import { reciprocalRankFusion } from '../retriever/rrf.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import { canonicalText, contentHash } from '../text/content-hash.js';

export interface Fact {
  id: number;
  namespace: string;
  kind: string;
  text: string;
  tags: string[];
  /** How many times this fact was remembered (repeats and near-duplicates count). */
  repeats: number;
  createdAt: number;
  updatedAt: number;
  lastSeenAt: number;
}

export interface RecalledFact extends Fact {
  score: number;
}

export interface RememberResult {
  fact: Fact;
  /** False when the text was a duplicate (or near-duplicate) of `fact`, which was kept and touched. */
  created: boolean;
}

export interface SemanticMemoryOptions {
  database: MemoryDatabase;
  /** Optional: without it, recall is lexical and near-duplicates are found by word overlap only. */
  embedder?: Embedder | null;
  /** Facts of one agent or user; recall never crosses namespaces (default 'default'). */
  namespace?: string;
  /** Cosine from which two facts may be the same (default 0.92), confirmed by word overlap. */
  duplicateCosine?: number;
  /** Jaccard overlap of analysed words from which two facts are the same (default 0.8; 0.5 with the cosine). */
  duplicateOverlap?: number;
  clock?: () => number;
}

export interface SemanticMemory {
  remember(text: string, options?: { kind?: string; tags?: readonly string[] }): Promise<RememberResult>;
  recall(
    query: string,
    options?: { limit?: number; kind?: string; tags?: readonly string[] },
  ): Promise<RecalledFact[]>;
  forget(id: number): Promise<boolean>;
  list(options?: { kind?: string }): Fact[];
}

interface FactRow {
  id: number;
  namespace: string;
  kind: string;
  text: string;
  tags: string;
  repeats: number;
  created_at: number;
  updated_at: number;
  last_seen_at: number;
  vector: Buffer | null;
  embedder_id: string | null;
}

const toFact = (row: FactRow): Fact => ({
  id: row.id,
  namespace: row.namespace,
  kind: row.kind,
  text: row.text,
  tags: JSON.parse(row.tags) as string[],
  repeats: row.repeats,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  lastSeenAt: row.last_seen_at,
});

const toVector = (blob: Buffer) =>
  new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));

function overlap(left: readonly string[], right: readonly string[]): number {
  const a = new Set(left);
  const b = new Set(right);
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * A query's terms for the FTS5 match. A fact is indexed with the stems of its own language; a short
 * query ("violoncelle") often has no stop word to tell its language, so each of its words then
 * matches its English or its French stem, as the retriever does.
 */
function queryStems(query: string): Array<{ stems: string[] }> {
  const language = detectLanguage(query);
  if (language) return [...new Set(analyse(query, { language }))].map((term) => ({ stems: [term] }));
  const words = tokenize(query).filter((word) => !stopWords.en.has(word) && !stopWords.fr.has(word));
  const seen = new Set<string>();
  const alternatives: Array<{ stems: string[] }> = [];
  for (const word of words) {
    const stems = stemsOfWord(word);
    const key = stems.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    alternatives.push({ stems });
  }
  return alternatives;
}

/**
 * Facts an agent remembers: the same fact twice is one row (its `repeats` and `lastSeenAt` grow, it
 * is never deleted for being repeated), recall is hybrid (FTS5 + cosine, RRF), forget deletes one row.
 */
export function createSemanticMemory(options: SemanticMemoryOptions): SemanticMemory {
  const { database } = options;
  const embedder = options.embedder ?? null;
  const namespace = options.namespace ?? 'default';
  const clock = options.clock ?? (() => Date.now() / 1000);
  const duplicateCosine = options.duplicateCosine ?? 0.92;
  const duplicateOverlap = options.duplicateOverlap ?? 0.8;
  const terms = (text: string) => analyse(text, { language: detectLanguage(text) });
  const rows = (kind?: string) =>
    database
      .getConnection()
      .prepare(`SELECT * FROM memory_facts WHERE namespace = ?${kind ? ' AND kind = ?' : ''} ORDER BY id`)
      .all(...(kind ? [namespace, kind] : [namespace])) as FactRow[];

  return {
    async remember(text, rememberOptions = {}) {
      const clean = canonicalText(text);
      if (clean.length === 0) throw new MemoryError('invalid_argument', 'cannot remember an empty text');
      const kind = rememberOptions.kind ?? 'fact';
      const tags = [...new Set(rememberOptions.tags ?? [])];
      const hash = contentHash(clean.toLowerCase());
      const analysed = terms(clean);
      // Embed before taking the lock: the model may be slow or remote.
      const vector = embedder
        ? ((await embedder.embed([clean], { purpose: 'passage' }))[0] as Float32Array)
        : null;
      return database.writeLock.runExclusive(() => {
        const connection = database.getConnection();
        // The duplicate check and the write are one transaction that takes SQLite's write lock
        // first (BEGIN IMMEDIATE): another process may write the same file, and a deferred
        // transaction that reads then writes fails at once with "database is locked" in WAL mode,
        // whatever busy_timeout says.
        return connection
          .transaction(() => {
            const now = clock();
            let duplicate = connection
              .prepare('SELECT * FROM memory_facts WHERE namespace = ? AND text_hash = ?')
              .get(namespace, hash) as FactRow | undefined;
            if (!duplicate) {
              for (const row of rows(kind)) {
                const words = overlap(analysed, terms(row.text));
                const similar =
                  vector && row.vector && row.embedder_id === embedder?.id
                    ? cosine(vector, toVector(row.vector))
                    : null;
                const same =
                  similar !== null ? similar >= duplicateCosine && words >= 0.5 : words >= duplicateOverlap;
                if (same) {
                  duplicate = row;
                  break;
                }
              }
            }
            if (duplicate) {
              const merged = [...new Set([...(JSON.parse(duplicate.tags) as string[]), ...tags])];
              connection
                .prepare(
                  'UPDATE memory_facts SET repeats = repeats + 1, last_seen_at = ?, updated_at = ?, tags = ? WHERE id = ?',
                )
                .run(now, now, JSON.stringify(merged), duplicate.id);
              const updated = connection
                .prepare('SELECT * FROM memory_facts WHERE id = ?')
                .get(duplicate.id) as FactRow;
              return { fact: toFact(updated), created: false };
            }
            const id = connection.transaction(() => {
              const inserted = Number(
                connection
                  .prepare(
                    'INSERT INTO memory_facts (namespace, kind, text, text_hash, tags, embedder_id, vector, repeats, created_at, updated_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)',
                  )
                  .run(
                    namespace,
                    kind,
                    clean,
                    hash,
                    JSON.stringify(tags),
                    embedder?.id ?? null,
                    vector ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength) : null,
                    now,
                    now,
                    now,
                  ).lastInsertRowid,
              );
              connection
                .prepare('INSERT INTO memory_facts_fts (rowid, analysed) VALUES (?, ?)')
                .run(inserted, analysed.join(' '));
              return inserted;
            })();
            return {
              fact: toFact(connection.prepare('SELECT * FROM memory_facts WHERE id = ?').get(id) as FactRow),
              created: true,
            };
          })
          .immediate();
      });
    },

    async recall(query, recallOptions = {}) {
      const limit = recallOptions.limit ?? 5;
      const connection = database.getConnection();
      const wanted = (row: FactRow) =>
        (!recallOptions.kind || row.kind === recallOptions.kind) &&
        (!recallOptions.tags ||
          recallOptions.tags.every((tag) => (JSON.parse(row.tags) as string[]).includes(tag)));
      const candidates = rows(recallOptions.kind).filter(wanted);
      const byId = new Map(candidates.map((row) => [row.id, row]));
      const queryTerms = queryStems(query);
      const lexical =
        queryTerms.length === 0
          ? []
          : (
              connection
                .prepare(
                  'SELECT rowid FROM memory_facts_fts WHERE memory_facts_fts MATCH ? ORDER BY rank LIMIT 200',
                )
                .pluck()
                .all(toMatchExpression(queryTerms)) as number[]
            ).filter((id) => byId.has(id));
      let semantic: number[] = [];
      if (embedder && query.trim().length > 0) {
        const [vector] = (await embedder.embed([query], { purpose: 'query' })) as [Float32Array];
        semantic = candidates
          .filter((row) => row.vector && row.embedder_id === embedder.id)
          .map((row) => ({ id: row.id, score: cosine(vector, toVector(row.vector as Buffer)) }))
          .sort((left, right) => right.score - left.score)
          .slice(0, 200)
          .map((entry) => entry.id);
      }
      const fused = reciprocalRankFusion([
        { ids: lexical, weight: 1 },
        { ids: semantic, weight: 1 },
      ]);
      return fused
        .slice(0, limit)
        .map((hit) => ({ ...toFact(byId.get(hit.chunkId) as FactRow), score: hit.score }));
    },

    async forget(id) {
      return database.writeLock.runExclusive(() => {
        const connection = database.getConnection();
        return connection
          .transaction(() => {
            const removed = connection
              .prepare('DELETE FROM memory_facts WHERE id = ? AND namespace = ?')
              .run(id, namespace).changes;
            if (removed > 0) connection.prepare('DELETE FROM memory_facts_fts WHERE rowid = ?').run(id);
            return removed > 0;
          })
          .immediate();
      });
    },

    list(listOptions = {}) {
      return rows(listOptions.kind).map(toFact);
    },
  };
}
