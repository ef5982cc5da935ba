import type { Database } from 'better-sqlite3';
import type { RetrievedChunk } from './retriever.js';

interface ChunkRow {
  id: number;
  source_id: number;
  ordinal: number;
  start_offset: number;
  end_offset: number;
  text: string;
  heading: string | null;
  uri: string;
  title: string | null;
}

export interface ScoredId {
  chunkId: number;
  score: number;
  ranks: { lexical: number | null; vector: number | null };
}

function readChunks(connection: Database, ids: readonly number[]): Map<number, ChunkRow> {
  if (ids.length === 0) return new Map();
  const rows = connection
    .prepare(
      `SELECT c.id, c.source_id, c.ordinal, c.start_offset, c.end_offset, c.text, c.heading, s.uri, s.title
       FROM memory_chunks c JOIN memory_sources s ON s.id = c.source_id
       WHERE c.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as ChunkRow[];
  return new Map(rows.map((row) => [row.id, row]));
}

const toChunk = (row: ChunkRow, hit: ScoredId, neighbour: boolean): RetrievedChunk => ({
  chunkId: row.id,
  sourceId: row.source_id,
  sourceUri: row.uri,
  sourceTitle: row.title,
  ordinal: row.ordinal,
  start: row.start_offset,
  end: row.end_offset,
  text: row.text,
  heading: row.heading,
  score: hit.score,
  ranks: hit.ranks,
  neighbour,
});

/**
 * Ranked ids → chunks with their source, in order. With `neighbours` > 0, the chunks just before and
 * after each hit follow it (once each), marked `neighbour: true`.
 */
export function hydrateChunks(
  connection: Database,
  hits: readonly ScoredId[],
  neighbours = 0,
): RetrievedChunk[] {
  const rows = readChunks(
    connection,
    hits.map((hit) => hit.chunkId),
  );
  const result: RetrievedChunk[] = [];
  const seen = new Set<number>();
  const neighbourStatement =
    neighbours > 0
      ? connection.prepare(
          'SELECT id FROM memory_chunks WHERE source_id = ? AND ordinal BETWEEN ? AND ? AND id != ? ORDER BY ordinal',
        )
      : null;
  for (const hit of hits) {
    const row = rows.get(hit.chunkId);
    if (!row || seen.has(row.id)) continue;
    seen.add(row.id);
    result.push(toChunk(row, hit, false));
    if (neighbourStatement) {
      const ids = (
        neighbourStatement
          .pluck()
          .all(row.source_id, row.ordinal - neighbours, row.ordinal + neighbours, row.id) as number[]
      ).filter((id) => !seen.has(id) && !hits.some((other) => other.chunkId === id));
      const neighbourRows = readChunks(connection, ids);
      for (const id of ids) {
        const neighbourRow = neighbourRows.get(id);
        if (!neighbourRow) continue;
        seen.add(id);
        result.push(
          toChunk(
            neighbourRow,
            { chunkId: id, score: hit.score, ranks: { lexical: null, vector: null } },
            true,
          ),
        );
      }
    }
  }
  return result;
}
