import type { Database } from 'better-sqlite3';

/**
 * How many chunks (passages) each source has, by source id; every stored source is in the map.
 * The counts are kept by the writes (memory_source_counts, schema 4): reading them costs one row per
 * source, however many chunks there are.
 */
export function countChunksBySource(connection: Database): Map<number, number> {
  const rows = connection.prepare('SELECT source_id AS id, chunks FROM memory_source_counts').all() as {
    id: number;
    chunks: number;
  }[];
  return new Map(rows.map((row) => [row.id, row.chunks]));
}
