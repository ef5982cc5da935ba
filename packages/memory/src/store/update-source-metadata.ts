import type { Database } from 'better-sqlite3';

/**
 * Replaces a source's metadata, its text and chunks untouched: a note whose front matter tags
 * changed but whose text did not keeps its content hash, so the ingester would skip it, and the
 * tags that filters read would go stale. Returns whether the source exists.

 * Sets some metadata fields of a stored source, keeping the others, without touching its text or
 * chunks: for facts about a source that change while its content does not (the commit a file's
 * unchanged content is now part of). Returns whether the source exists.
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

  fields: Readonly<Record<string, unknown>>,
): boolean {
  const row = connection.prepare('SELECT metadata FROM memory_sources WHERE id = ?').get(sourceId) as
    | { metadata: string }
    | undefined;
  if (!row) return false;
  const metadata = { ...(JSON.parse(row.metadata) as Record<string, unknown>), ...fields };
  connection
    .prepare('UPDATE memory_sources SET metadata = ?, updated_at = ? WHERE id = ?')
    .run(JSON.stringify(metadata), Date.now() / 1000, sourceId);
  return true;
}
