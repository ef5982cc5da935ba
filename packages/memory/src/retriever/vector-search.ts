import type { Database } from 'better-sqlite3';
import { dot, readCentroids, type VectorIndex } from '../store/vector-index.js';

export interface VectorSearchOptions {
  limit: number;
  sourceIds: readonly number[] | null;
  /** Partitions probed in an inverted-file index (default: 2 % of them, at least 8). */
  probes?: number;
  /** Force an exact scan even when the index is partitioned (for recall checks). */
  exact?: boolean;
}

export interface VectorHit {
  chunkId: number;
  /** Cosine similarity. */
  score: number;
}

// sqlite-vec refuses k above 4096.
const maxK = 4096;

const centroidCache = new WeakMap<Database, Map<string, Float32Array[]>>();

function centroidsOf(connection: Database, index: VectorIndex): Float32Array[] {
  let perConnection = centroidCache.get(connection);
  if (!perConnection) {
    perConnection = new Map();
    centroidCache.set(connection, perConnection);
  }
  const key = `${index.id}:${index.partitions}`;
  let centroids = perConnection.get(key);
  if (!centroids) {
    centroids = readCentroids(connection, index);
    perConnection.set(key, centroids);
  }
  return centroids;
}

/** The `count` centroids most similar to the vector, best first. */
export function nearestPartitions(
  vector: Float32Array,
  centroids: readonly Float32Array[],
  count: number,
): number[] {
  const scored = centroids.map((centroid, partition) => ({ partition, score: dot(vector, centroid) }));
  scored.sort((left, right) => right.score - left.score);
  return scored.slice(0, count).map((entry) => entry.partition);
}

/**
 * KNN in sqlite-vec. A flat index is scanned exactly. A partitioned (inverted-file) index is
 * probed: the query's nearest centroids pick a few partitions and only those are scanned, with
 * exact float distances, so the pool needs no rescoring.
 */
export function vectorSearch(
  connection: Database,
  index: VectorIndex,
  vector: Float32Array,
  options: VectorSearchOptions,
): VectorHit[] {
  if (options.sourceIds?.length === 0) return [];
  const k = Math.min(options.limit, maxK);
  const sourceClause = options.sourceIds ? ' AND source_id IN (SELECT value FROM json_each(?))' : '';
  const sourceParameters = options.sourceIds ? [JSON.stringify(options.sourceIds)] : [];
  let rows: { rowid: number; distance: number }[];
  if (index.partitions > 0 && !options.exact) {
    const centroids = centroidsOf(connection, index);
    let probes = Math.min(
      centroids.length,
      options.probes ?? Math.max(8, Math.ceil(centroids.length * 0.02)),
    );
    for (;;) {
      const partitions = nearestPartitions(vector, centroids, probes);
      // One statement for every probed partition: sqlite-vec returns k rows per partition.
      rows = connection
        .prepare(
          `SELECT rowid, distance FROM ${index.table} WHERE embedding MATCH ? AND k = ? AND partition IN (${partitions.join(',')})${sourceClause}`,
        )
        .all(vector, k, ...sourceParameters) as { rowid: number; distance: number }[];
      // A filter to a few sources may find fewer than k of their chunks in the nearest partitions
      // (a small book's chunks are spread over the index): probe more until k are found or every
      // partition has been scanned, so that a filtered search is never short for want of probes.
      if (!options.sourceIds || rows.length >= k || probes >= centroids.length) break;
      probes = Math.min(centroids.length, probes * 4);
    }
    rows.sort((left, right) => left.distance - right.distance);
    rows = rows.slice(0, k);
  } else {
    rows = connection
      .prepare(`SELECT rowid, distance FROM ${index.table} WHERE embedding MATCH ? AND k = ?${sourceClause}`)
      .all(vector, k, ...sourceParameters) as { rowid: number; distance: number }[];
  }
  return rows.map((row) => ({ chunkId: Number(row.rowid), score: 1 - row.distance }));
}
