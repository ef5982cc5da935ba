import type { Database } from 'better-sqlite3';
import { MemoryError } from '../errors/index.js';

/** A stretch of a source's normalized text, with the text around it. */
export interface SourceSlice {
  sourceId: number;
  uri: string;
  title: string | null;
  start: number;
  end: number;
  /** Up to `contextCharacters` characters before `start`. */
  before: string;
  /** `sourceText.slice(start, end)`: a chunk's or a citation's text when given its offsets. */
  text: string;
  /** Up to `contextCharacters` characters after `end`. */
  after: string;
}

/**
 * Reads `start`–`end` of a source's normalized text (the offsets of its chunks and citations) with
 * up to `contextCharacters` on each side, e.g. to show a citation in its place. Null when there is no
 * such passage: no source with this id, or a range that is not within its text.
 */
export function readSourceSlice(
  connection: Database,
  sourceId: number,
  start: number,
  end: number,
  contextCharacters = 0,
): SourceSlice | null {
  if (!Number.isInteger(contextCharacters) || contextCharacters < 0)
    throw new MemoryError(
      'invalid_argument',
      `contextCharacters must be an integer ≥ 0, got ${String(contextCharacters)}`,
    );
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end) return null;
  // The slicing happens here, not in SQL: SQLite's substr() counts characters (code points), while
  // the offsets are JavaScript string indices (UTF-16 code units, CONTRACTS.md), which differ as
  // soon as the text holds a character outside the BMP.
  const row = connection.prepare('SELECT uri, title, text FROM memory_sources WHERE id = ?').get(sourceId) as
    | { uri: string; title: string | null; text: string }
    | undefined;
  if (!row || end > row.text.length) return null;
  return {
    sourceId,
    uri: row.uri,
    title: row.title,
    start,
    end,
    before: row.text.slice(Math.max(0, start - contextCharacters), start),
    text: row.text.slice(start, end),
    after: row.text.slice(end, end + contextCharacters),
  };
}
