import type { Database } from 'better-sqlite3';

/**
 * Replaces a source's metadata, its text and chunks untouched: a note whose front matter tags
 * changed but whose text did not keeps its content hash, so the ingester would skip it, and the
 * tags that filters read would go stale. Returns whether the source exists.
 */
export function updateSourceMetadata(
  connection: Database,
  sourceId: number,
  metadata: Readonly<Record<string, unknown>>,
): boolean {
  const result = connection
    .prepare('UPDATE memory_sources SET metadata = ?, updated_at = ? WHERE id = ?')
    .run(JSON.stringify(metadata), Date.now() / 1000, sourceId);
  return result.changes > 0;
}
