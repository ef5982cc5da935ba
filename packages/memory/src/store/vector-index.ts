import type { Database } from 'better-sqlite3';
import { MemoryError } from '../errors/index.js';

export type VectorIndexState = 'building' | 'active' | 'retired';

export interface VectorIndex {
  id: number;
  embedderId: string;
  dimensions: number;
  state: VectorIndexState;
  /** 0 for a flat index (exact search); otherwise the number of inverted-file partitions. */
  partitions: number;
  table: string;
}

interface VectorIndexRow {
  id: number;
  embedder_id: string;
  dimensions: number;
  state: VectorIndexState;
  partitions: number;
}

const toIndex = (row: VectorIndexRow): VectorIndex => ({
  id: row.id,
  embedderId: row.embedder_id,
  dimensions: row.dimensions,
  state: row.state,
  partitions: row.partitions,
  table: `memory_vectors_${row.id}`,
});

export function listVectorIndexes(connection: Database): VectorIndex[] {
  return (
    connection.prepare('SELECT * FROM memory_vector_indexes ORDER BY id').all() as VectorIndexRow[]
  ).map(toIndex);
}

export function getActiveVectorIndex(connection: Database): VectorIndex | null {
  const row = connection.prepare("SELECT * FROM memory_vector_indexes WHERE state = 'active'").get() as
    | VectorIndexRow
    | undefined;
  return row ? toIndex(row) : null;
}

export function findVectorIndex(
  connection: Database,
  embedderId: string,
  dimensions: number,
  states: readonly VectorIndexState[] = ['active', 'building'],
): VectorIndex | null {
  const rows = connection
    .prepare('SELECT * FROM memory_vector_indexes WHERE embedder_id = ? AND dimensions = ? ORDER BY id DESC')
    .all(embedderId, dimensions) as VectorIndexRow[];
  const row = rows.find((candidate) => states.includes(candidate.state));
  return row ? toIndex(row) : null;
}

/**
 * Creates a vector index for one embedder. Its vec0 table keys rows by chunk id, groups them by a
 * partition key (0 until an inverted file is trained) and keeps the source id as a metadata column,
 * which sqlite-vec can filter inside the KNN scan.
 */
export function createVectorIndex(
  connection: Database,
  embedderId: string,
  dimensions: number,
  state: VectorIndexState,
  options: { chunkSize?: number } = {},
): VectorIndex {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 8192) {
    throw new MemoryError(
      'invalid_argument',
      `vector dimension must be an integer in 1..8192, got ${dimensions}`,
    );
  }
  const now = Date.now() / 1000;
  const result = connection
    .prepare(
      'INSERT INTO memory_vector_indexes (embedder_id, dimensions, state, partitions, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)',
    )
    .run(embedderId, dimensions, state, now, now);
  const id = Number(result.lastInsertRowid);
  // sqlite-vec stores each partition in chunks of `chunk_size` slots and scans whole chunks: an
  // inverted file sizes them to its partitions, or a probe would read mostly empty slots.
  const chunkSize = Math.max(8, Math.min(1024, Math.ceil((options.chunkSize ?? 1024) / 8) * 8));
  connection.exec(
    `CREATE VIRTUAL TABLE memory_vectors_${id} USING vec0(partition INTEGER PARTITION KEY, source_id INTEGER, embedding float[${dimensions}] distance_metric=cosine, chunk_size=${chunkSize})`,
  );
  return { id, embedderId, dimensions, state, partitions: 0, table: `memory_vectors_${id}` };
}

/** The index for this embedder, created (active when no other index is) if it does not exist yet. */
export function ensureVectorIndex(connection: Database, embedderId: string, dimensions: number): VectorIndex {
  // The active index takes new vectors; an index being rebuilt for the same embedder catches up
  // from it before the swap.
  const existing =
    findVectorIndex(connection, embedderId, dimensions, ['active']) ??
    findVectorIndex(connection, embedderId, dimensions, ['building']);
  if (existing) return existing;
  const active = getActiveVectorIndex(connection);
  if (active) {
    throw new MemoryError(
      'embedder_mismatch',
      `the database's vectors come from ${active.embedderId} (${active.dimensions} dimensions), not ${embedderId} (${dimensions}); migrate the index to switch embedders`,
    );
  }
  return createVectorIndex(connection, embedderId, dimensions, 'active');
}

export interface VectorRow {
  chunkId: number;
  sourceId: number;
  vector: Float32Array;
}

export function readCentroids(connection: Database, index: VectorIndex): Float32Array[] {
  if (index.partitions === 0) return [];
  const rows = connection
    .prepare('SELECT centroid FROM memory_ivf_centroids WHERE index_id = ? ORDER BY partition')
    .all(index.id) as { centroid: Buffer }[];
  return rows.map(
    (row) =>
      new Float32Array(
        row.centroid.buffer.slice(row.centroid.byteOffset, row.centroid.byteOffset + row.centroid.byteLength),
      ),
  );
}

export function nearestCentroid(vector: Float32Array, centroids: readonly Float32Array[]): number {
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let partition = 0; partition < centroids.length; partition++) {
    const score = dot(vector, centroids[partition] as Float32Array);
    if (score > bestScore) {
      bestScore = score;
      best = partition;
    }
  }
  return best;
}

export function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += (left[index] as number) * (right[index] as number);
  return sum;
}

/** Writes vectors (inside the caller's transaction), each into its nearest partition when trained. */
export function insertVectors(
  connection: Database,
  index: VectorIndex,
  rows: readonly VectorRow[],
  centroids: readonly Float32Array[] = readCentroids(connection, index),
): void {
  const statement = connection.prepare(
    `INSERT OR REPLACE INTO ${index.table} (rowid, partition, source_id, embedding) VALUES (?, ?, ?, ?)`,
  );
  for (const row of rows) {
    if (row.vector.length !== index.dimensions) {
      throw new MemoryError(
        'embedder_mismatch',
        `vector of ${row.vector.length} dimensions for an index of ${index.dimensions}`,
      );
    }
    const partition = centroids.length > 0 ? nearestCentroid(row.vector, centroids) : 0;
    statement.run(BigInt(row.chunkId), BigInt(partition), BigInt(row.sourceId), row.vector);
  }
}

export function deleteVectors(connection: Database, index: VectorIndex, chunkIds: readonly number[]): void {
  const statement = connection.prepare(`DELETE FROM ${index.table} WHERE rowid = ?`);
  for (const chunkId of chunkIds) statement.run(BigInt(chunkId));
}

export function countVectors(connection: Database, index: VectorIndex): number {
  return connection.prepare(`SELECT count(*) FROM ${index.table}`).pluck().get() as number;
}

/**
 * Deletes the vectors of chunks that no longer exist from a vector table (a copy made while another
 * writer removed sources). Runs inside the caller's transaction.
 */
export function deleteOrphanVectors(connection: Database, table: string): void {
  const orphans = connection
    .prepare(`SELECT rowid FROM ${table} WHERE rowid NOT IN (SELECT id FROM memory_chunks)`)
    .pluck()
    .all() as number[];
  const remove = connection.prepare(`DELETE FROM ${table} WHERE rowid = ?`);
  for (const rowid of orphans) remove.run(BigInt(rowid));
}

export function dropVectorIndex(connection: Database, index: VectorIndex): void {
  connection.exec(`DROP TABLE IF EXISTS ${index.table}`);
  connection.prepare('DELETE FROM memory_ivf_centroids WHERE index_id = ?').run(index.id);
  connection.prepare('DELETE FROM memory_vector_indexes WHERE id = ?').run(index.id);
}
