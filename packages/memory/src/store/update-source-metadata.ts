import type { Database } from 'better-sqlite3';

/**
 * Sets metadata fields of a stored source, keeping the others, without touching its text or chunks.
 * The content hash covers the title and text only, so the ingester skips a source whose facts
 * changed while its content did not: a note whose front matter tags changed, or a file whose
 * unchanged content is now part of a newer commit. Without this, the metadata that filters and
 * citations read would go stale. Returns whether the source exists.
 */
export function updateSourceMetadata(
  connection: Database,
  sourceId: number,
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
