import type { Database } from 'better-sqlite3';
import type { VectorIndex } from './vector-index.js';

export interface ScannedVector {
  chunkId: number;
  vector: Float32Array;
}

/**
 * Reads a vec0 table chunk by chunk through its shadow tables (`_chunks`: rowids + validity bitmap,
 * `_vector_chunks00`: the packed float32 vectors), the layout of sqlite-vec 0.1.x. A point lookup by
 * rowid costs about a millisecond at 1024 dimensions, so copying a million vectors one by one would
 * take a quarter of an hour; reading whole chunks takes seconds.
 */
export function listVectorChunks(connection: Database, index: VectorIndex): number[] {
  return connection
    .prepare(`SELECT chunk_id FROM "${index.table}_chunks" ORDER BY chunk_id`)
    .pluck()
    .all() as number[];
}

export function readVectorChunk(connection: Database, index: VectorIndex, chunkId: number): ScannedVector[] {
  const meta = connection
    .prepare(`SELECT size, validity, rowids FROM "${index.table}_chunks" WHERE chunk_id = ?`)
    .get(chunkId) as { size: number; validity: Buffer; rowids: Buffer } | undefined;
  const blob = connection
    .prepare(`SELECT vectors FROM "${index.table}_vector_chunks00" WHERE rowid = ?`)
    .pluck()
    .get(chunkId) as Buffer | undefined;
  if (!meta || !blob) return [];
  const rowids = new BigInt64Array(
    meta.rowids.buffer.slice(meta.rowids.byteOffset, meta.rowids.byteOffset + meta.rowids.byteLength),
  );
  const vectors = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
  const result: ScannedVector[] = [];
  for (let offset = 0; offset < meta.size; offset++) {
    const valid = ((meta.validity[offset >> 3] as number) >> (offset & 7)) & 1;
    if (!valid) continue;
    result.push({
      chunkId: Number(rowids[offset]),
      vector: vectors.slice(offset * index.dimensions, (offset + 1) * index.dimensions),
    });
  }
  return result;
}
