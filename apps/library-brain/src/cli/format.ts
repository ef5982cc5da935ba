import { renderTable } from '@klody/service';
import type { Book, Passage } from '../library/library.js';

/** A readable table of books for the terminal. */
export function formatBooks(books: readonly Book[]): string {
  if (books.length === 0)
    return 'No books yet. Add some with: pnpm library-brain ingest <files or folders>\n';
  const rows = books.map((book) => [
    String(book.id),
    book.title,
    book.author ?? '—',
    book.language ?? '—',
    String(book.chunks),
    book.state,
  ]);
  const header = ['id', 'title', 'author', 'language', 'chunks', 'state'];
  return `${renderTable(header, rows).join('\n')}\n`;
}

/** Ranked passages for the terminal: where each comes from, then its text. */
export function formatPassages(passages: readonly Passage[]): string {
  if (passages.length === 0) return 'No passage matches.\n';
  return passages
    .map(
      (passage, index) =>
        `${index + 1}. ${passage.book}${passage.chapter ? ` — ${passage.chapter}` : ''} (characters ${passage.start}–${passage.end}, score ${passage.score.toFixed(3)})\n` +
        `   ${passage.text.replace(/\s+/g, ' ').trim()}\n`,
    )
    .join('\n');
}
