import type { Database } from 'better-sqlite3';
import { analyse, type Language } from '../analysis/analyser.js';
import type { Chunk } from '../chunker/chunker.js';
import { contentHash } from '../text/content-hash.js';
import { adjustIndexStatistics } from './index-statistics.js';
import { deleteVectors, listVectorIndexes } from './vector-index.js';

export interface SourceRecord {
  id: number;
  uri: string;
  title: string | null;
  format: string;
  language: Language | null;
  contentHash: string;
  metadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

interface SourceRow {
  id: number;
  uri: string;
  title: string | null;
  format: string;
  language: Language | null;
  content_hash: string;
  metadata: string;
  created_at: number;
  updated_at: number;
}

const toSource = (row: SourceRow): SourceRecord => ({
  id: row.id,
  uri: row.uri,
  title: row.title,
  format: row.format,
  language: row.language,
  contentHash: row.content_hash,
  metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const sourceColumns = 'id, uri, title, format, language, content_hash, metadata, created_at, updated_at';

export function getSourceByUri(connection: Database, uri: string): SourceRecord | null {
  const row = connection.prepare(`SELECT ${sourceColumns} FROM memory_sources WHERE uri = ?`).get(uri) as
    | SourceRow
    | undefined;
  return row ? toSource(row) : null;
}

/**
 * Every source, without its text, in id order: read from the covering index memory_sources_listing
 * (schema 4), so thousands of sources list in milliseconds however long their texts are.
 */
export function listSources(connection: Database): SourceRecord[] {
  return (
    connection
      .prepare(`SELECT ${sourceColumns} FROM memory_sources INDEXED BY memory_sources_listing ORDER BY id`)
      .all() as SourceRow[]
  ).map(toSource);
}

/** The normalized text of a source: what every chunk's and citation's offsets point into. */
export function getSourceText(connection: Database, sourceId: number): string | null {
  return (
    (connection.prepare('SELECT text FROM memory_sources WHERE id = ?').pluck().get(sourceId) as string) ??
    null
  );
}

export interface NewSource {
  uri: string;
  title: string | null;
  format: string;
  language: Language | null;
  text: string;
  contentHash: string;
  metadata: Record<string, unknown>;
}

export interface WrittenChunk extends Chunk {
  id: number;
  contentHash: string;
}

/** What a chunk adds to the index, computed before the write: its shadow text and content hash. */
export interface AnalysedChunk {
  /** The analysed terms joined by spaces, as the FTS5 row stores them. */
  shadowText: string;
  termCount: number;
  contentHash: string;
}

/**
 * The index side of a chunk: the analysed shadow text (title and heading included: passages rarely
 * repeat the name of what they are about, and "Chapter IV" should find the chapter's text) and its
 * hash. Pure and CPU-bound, so the ingester runs it before taking the write lock.
 */
export function analyseChunk(source: Pick<NewSource, 'title' | 'language'>, chunk: Chunk): AnalysedChunk {
  const heading = chunk.heading && !chunk.text.includes(chunk.heading) ? `${chunk.heading}\n` : '';
  const title = source.title ? `${source.title}\n` : '';
  const terms = analyse(`${title}${heading}${chunk.text}`, { language: source.language });
  return { shadowText: terms.join(' '), termCount: terms.length, contentHash: contentHash(chunk.text) };
}

/**
 * Writes a source and its chunks with their FTS shadow rows. Call inside a transaction: with
 * `deleteSource` before it, a changed source is replaced all at once or not at all.
 */

export function insertSource(
  connection: Database,
  source: NewSource,
  chunks: readonly Chunk[],
  analysed: readonly AnalysedChunk[] = chunks.map((chunk) => analyseChunk(source, chunk)),
): {
  sourceId: number;
  chunks: WrittenChunk[];
} {
  const now = Date.now() / 1000;
  const sourceId = Number(
    connection
      .prepare(
        'INSERT INTO memory_sources (uri, title, format, language, content_hash, text, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        source.uri,
        source.title,
        source.format,
        source.language,
        source.contentHash,
        source.text,
        JSON.stringify(source.metadata),
        now,
        now,
      ).lastInsertRowid,
  );
  const insertChunk = connection.prepare(
    'INSERT INTO memory_chunks (source_id, ordinal, start_offset, end_offset, text, heading, tokens, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertFts = connection.prepare('INSERT INTO memory_fts (rowid, analysed) VALUES (?, ?)');
  const written: WrittenChunk[] = [];
  let indexedTerms = 0;
  chunks.forEach((chunk, index) => {
    const { shadowText, termCount, contentHash: hash } = analysed[index] as AnalysedChunk;
    const id = Number(
      insertChunk.run(
        sourceId,
        chunk.ordinal,
        chunk.start,
        chunk.end,
        chunk.text,
        chunk.heading,
        chunk.tokens,
        hash,
      ).lastInsertRowid,
    );
    indexedTerms += termCount;
    insertFts.run(id, shadowText);
    written.push({ ...chunk, id, contentHash: hash });
  });
  adjustIndexStatistics(connection, written.length, indexedTerms);
  // Kept here, in the write's transaction: listings read the count, never count the chunks (schema 4).
  connection
    .prepare('INSERT INTO memory_source_counts (source_id, chunks) VALUES (?, ?)')
    .run(sourceId, written.length);
  return { sourceId, chunks: written };
}

/**
 * Deletes a source with its chunks, FTS rows, vectors in every index, and cache entries no remaining
 * chunk uses. Call inside a transaction.
 */
export function deleteSource(connection: Database, sourceId: number): void {
  const chunkRows = connection
    .prepare('SELECT id, content_hash FROM memory_chunks WHERE source_id = ?')
    .all(sourceId) as { id: number; content_hash: string }[];
  const chunkIds = chunkRows.map((row) => row.id);
  const deleteFts = connection.prepare('DELETE FROM memory_fts WHERE rowid = ?');
  const readFts = connection.prepare('SELECT analysed FROM memory_fts WHERE rowid = ?').pluck();
  let indexedTerms = 0;
  for (const chunkId of chunkIds) {
    const analysed = (readFts.get(chunkId) as string | undefined) ?? '';
    indexedTerms += analysed.length === 0 ? 0 : analysed.split(' ').length;
    deleteFts.run(chunkId);
  }
  adjustIndexStatistics(connection, -chunkIds.length, -indexedTerms);
  for (const index of listVectorIndexes(connection)) deleteVectors(connection, index, chunkIds);
  connection.prepare('DELETE FROM memory_chunks WHERE source_id = ?').run(sourceId);
  connection.prepare('DELETE FROM memory_sources WHERE id = ?').run(sourceId);
  connection.prepare('DELETE FROM memory_source_counts WHERE source_id = ?').run(sourceId);
  const stillUsed = connection.prepare('SELECT 1 FROM memory_chunks WHERE content_hash = ? LIMIT 1');
  const deleteCache = connection.prepare('DELETE FROM memory_embedding_cache WHERE text_hash = ?');
  for (const hash of new Set(chunkRows.map((row) => row.content_hash))) {
    if (!stillUsed.get(hash)) deleteCache.run(hash);
  }
}
