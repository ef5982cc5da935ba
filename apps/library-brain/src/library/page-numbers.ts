// A passage's page in a paged book (a PDF): the loader recorded where each page begins.
import { pageAtOffset, readPageStarts } from '@klody/memory';
import type Database from 'better-sqlite3';

/**
 * The 1-based page holding offset `start` of book `bookId`, or null for a book without pages (text,
 * HTML, EPUB…) or a PDF ingested before pages were recorded. Read from the book's row each time: a
 * query cites a handful of passages, and a book replaced since keeps no stale page starts.
 */
export function pageNumber(connection: Database.Database, bookId: number, start: number): number | null {
  const metadata = connection
    .prepare('SELECT metadata FROM memory_sources WHERE id = ?')
    .pluck()
    .get(bookId) as string | undefined;
  if (!metadata) return null;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(metadata) as Record<string, unknown>;
  } catch {
    return null;
  }
  const starts = readPageStarts(parsed);
  return starts ? pageAtOffset(starts, start) : null;
}
