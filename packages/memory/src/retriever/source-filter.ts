import type { Database } from 'better-sqlite3';
import { MemoryError } from '../errors/index.js';
import type { RetrievalFilter } from './retriever.js';

/**
 * The source ids a filter allows, or null when it allows every source. Metadata is matched by
 * equality on top-level fields of the source's metadata JSON.
 */
export function resolveSourceFilter(
  connection: Database,
  filter: RetrievalFilter | undefined,
): number[] | null {
  if (!filter) return null;
  const conditions: string[] = [];
  const parameters: (string | number | null)[] = [];
  if (filter.sourceIds) {
    conditions.push(`id IN (${filter.sourceIds.map(() => '?').join(',') || 'NULL'})`);
    parameters.push(...filter.sourceIds);
  }
  if (filter.sourceUris) {
    conditions.push(`uri IN (${filter.sourceUris.map(() => '?').join(',') || 'NULL'})`);
    parameters.push(...filter.sourceUris);
  }
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    if (!/^[\p{L}\p{N}_-]+$/u.test(key)) {
      throw new MemoryError(
        'invalid_argument',
        `metadata filter keys are letters, digits, "_" or "-": ${key}`,
      );
    }
    if (value === null) {
      conditions.push(`json_extract(metadata, '$."${key}"') IS NULL`);
    } else {
      conditions.push(`json_extract(metadata, '$."${key}"') = ?`);
      parameters.push(typeof value === 'boolean' ? Number(value) : value);
    }
  }
  if (conditions.length === 0) return null;
  return connection
    .prepare(`SELECT id FROM memory_sources WHERE ${conditions.join(' AND ')}`)
    .pluck()
    .all(...parameters) as number[];
}
