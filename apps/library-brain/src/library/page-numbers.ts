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

/**
 * Where, inside a cited passage, the answer's words for citation `n` are: the text before an `[n]`
 * marker is looked for in the passage (its first words, whatever the line breaks), and the offset
 * of the first one found is returned; null when the answer quotes none of it (a paraphrase).
 */
export function quotedOffset(answer: string, n: number, passage: string): number | null {
  const marker = new RegExp(`\\[${n}\\]`, 'g');
  let previousEnd = 0;
  for (const match of answer.matchAll(/(?:\[\d+\])+/g)) {
    const segment = answer.slice(previousEnd, match.index);
    previousEnd = match.index + match[0].length;
    if (!marker.test(match[0])) continue;
    marker.lastIndex = 0;
    // The last sentence before the marker, its first eight words.
    const sentence =
      segment
        .split(/(?<=[.!?…])\s+/)
        .filter((part) => part.trim().length > 0)
        .at(-1) ?? '';
    const words = sentence.match(/[\p{L}\p{N}]+/gu)?.slice(0, 8) ?? [];
    if (words.length < 3) continue;
    const found = new RegExp(words.join('[^\\p{L}\\p{N}]+'), 'u').exec(passage);
    if (found) return found.index;
  }
  return null;
}

/**
 * A citation's page: the page of the words the answer quotes from it when it quotes some (a passage
 * often spans two pages, and the fact is on one of them), else the page the passage starts on.
 */
export function citationPage(
  connection: Database.Database,
  citation: { sourceId: number; start: number; number: number; text: string },
  answer: string,
): number | null {
  const offset = quotedOffset(answer, citation.number, citation.text);
  return pageNumber(connection, citation.sourceId, citation.start + (offset ?? 0));
}
