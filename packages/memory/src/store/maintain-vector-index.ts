import { buildInvertedFile, type InvertedFileOptions, invertedFileThreshold } from './inverted-file.js';
import type { MemoryDatabase } from './memory-database.js';
import { countVectors, getActiveVectorIndex, type VectorIndex } from './vector-index.js';

export interface MaintainVectorIndexOptions extends InvertedFileOptions {
  /** Vectors from which an inverted file replaces the exact scan (default 50,000). */
  threshold?: number;
  /** Rebuild the inverted file when the index has grown this many times since training (default 4). */
  regrowth?: number;
}

export interface VectorIndexMaintenance {
  action: 'none' | 'built' | 'rebuilt';
  vectors: number;
  index: VectorIndex | null;
}

/**
 * Chooses the vector index layout by size: below `threshold` vectors the exact scan is fast enough
 * and the index stays flat; above it an inverted file is built (and rebuilt once the index has
 * grown a few times past the size its centres were trained on, since √n partitions no longer fit).
 * Call it after ingestion, e.g. from the consumer's ingest command or a background job.
 */
export async function maintainVectorIndex(
  database: MemoryDatabase,
  options: MaintainVectorIndexOptions = {},
): Promise<VectorIndexMaintenance> {
  const connection = database.getConnection();
  const index = getActiveVectorIndex(connection);
  if (!index) return { action: 'none', vectors: 0, index: null };
  const vectors = countVectors(connection, index);
  const threshold = options.threshold ?? invertedFileThreshold;
  if (index.partitions === 0) {
    if (vectors < threshold) return { action: 'none', vectors, index };
    return { action: 'built', vectors, index: await buildInvertedFile(database, options) };
  }
  // Trained for about partitions² vectors (√n partitions).
  const trainedFor = index.partitions * index.partitions;
  if (vectors > trainedFor * (options.regrowth ?? 4)) {
    return { action: 'rebuilt', vectors, index: await buildInvertedFile(database, options) };
  }
  return { action: 'none', vectors, index };
}
