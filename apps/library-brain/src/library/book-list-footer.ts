/**
 * The line under a page of books in the terminal: which books these are and how to see the others;
 * nothing when the page holds every book.
 */
export function bookPageFooter(offset: number, shown: number, total: number): string {
  if (offset === 0 && shown >= total) return '';
  const range = shown === 0 ? 'none' : `${offset + 1}–${offset + shown}`;
  const next = offset + shown < total ? `; next page: --offset ${offset + shown}` : '';
  return `books ${range} of ${total}${next}; every book: --all\n`;
}
