import type { Passage } from './library.js';

/** A passage as a search answers it over HTTP (GET /api/search) and MCP (search_books). */
export interface SearchResult {
  book: string;
  bookId: number;
  chapter: string | null;
  start: number;
  end: number;
  score: number;
  text: string;
  page: number | null;
}

/** Leaves out what a caller has no use for (the path the book was read from). */
export function searchResult({
  book,
  bookId,
  chapter,
  start,
  end,
  score,
  text,
  page,
}: Passage): SearchResult {
  return { book, bookId, chapter, start, end, score, text, page };
}
