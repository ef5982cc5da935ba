import type { Database } from 'better-sqlite3';

/** How many chunks (passages) each source has, by source id; every stored source is in the map. */
export function countChunksBySource(connection: Database): Map<number, number> {
  const rows = connection
    .prepare(
      'SELECT s.id AS id, count(c.id) AS chunks FROM memory_sources s LEFT JOIN memory_chunks c ON c.source_id = s.id GROUP BY s.id',
    )
    .all() as { id: number; chunks: number }[];
  return new Map(rows.map((row) => [row.id, row.chunks]));
}
