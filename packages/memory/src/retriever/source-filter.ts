import type { Database } from 'better-sqlite3';
import { MemoryError } from '../errors/index.js';
import { foldCase, foldCaseFunction, registerFoldCase } from './fold-case.js';
import type { RetrievalFilter } from './retriever.js';

function checkKey(key: string): void {
  if (!/^[\p{L}\p{N}_-]+$/u.test(key)) {
    throw new MemoryError('invalid_argument', `metadata filter keys are letters, digits, "_" or "-": ${key}`);
  }
}

/**
 * The source ids a filter allows, or null when it allows every source. Metadata is matched by
 * equality on top-level fields of the source's metadata JSON; `metadataIncludes` by membership in a
 * list field (or equality with a scalar one), ignoring case.
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
    checkKey(key);
    if (value === null) {
      conditions.push(`json_extract(metadata, '$."${key}"') IS NULL`);
    } else {
      conditions.push(`json_extract(metadata, '$."${key}"') = ?`);
      parameters.push(typeof value === 'boolean' ? Number(value) : value);
    }
  }
  const includes = Object.entries(filter.metadataIncludes ?? {});
  if (includes.length > 0) registerFoldCase(connection);
  for (const [key, value] of includes) {
    checkKey(key);
    // json_each walks a list's elements, and yields a scalar field as its one row, so one condition
    // serves `tags: ["a", "b"]` and `kind: "note"`. The fold is a JS function: SQLite's lower()
    // only folds ASCII, and a tag such as "Été" must match "été".
    conditions.push(
      `EXISTS (SELECT 1 FROM json_each(memory_sources.metadata, '$."${key}"') AS item WHERE item.type = 'text' AND ${foldCaseFunction}(item.value) = ?)`,
    );
    parameters.push(foldCase(value));
  }
  if (conditions.length === 0) return null;
  return connection
    .prepare(`SELECT id FROM memory_sources WHERE ${conditions.join(' AND ')}`)
    .pluck()
    .all(...parameters) as number[];
}
