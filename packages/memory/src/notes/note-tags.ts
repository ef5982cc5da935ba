import type { Database } from 'better-sqlite3';

export interface NoteTagCount {
  /** The tag as first written (tags that differ only by case are one tag). */
  tag: string;
  /** How many notes carry it. */
  count: number;
}

/**
 * The tags of the stored notes with how many notes carry each, most used first (for a tag list in
 * a UI, or to suggest filters); only one vault's notes when `vault` (an absolute path) is given.
 */
export function listNoteTags(connection: Database, options: { vault?: string } = {}): NoteTagCount[] {
  const tags = connection
    .prepare(
      `SELECT item.value FROM memory_sources, json_each(memory_sources.metadata, '$.tags') AS item
       WHERE json_extract(memory_sources.metadata, '$.kind') = 'note' AND item.type = 'text'
         AND (@vault IS NULL OR json_extract(memory_sources.metadata, '$.vault') = @vault)
       ORDER BY memory_sources.id`,
    )
    .pluck()
    .all({ vault: options.vault ?? null }) as string[];
  const counts = new Map<string, NoteTagCount>();
  for (const tag of tags) {
    const key = tag.normalize('NFC').toLowerCase();
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { tag, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}
