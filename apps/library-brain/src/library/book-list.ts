// The book list, a page at a time: what the page, the API and the CLI show of a library of thousands
// of books. The whole list is cheap to read (memory lists sources from a covering index and keeps
// the chunk counts with its writes): only one page of it is sent.
import type { Book } from './library.js';

export interface BookListOptions {
  /** Books skipped before the page (default 0). */
  offset?: number;
  /** Books on the page (default 50, at most 500). */
  limit?: number;
  /** Beginnings of words of the title or the author, whatever their case and accents; every book without it. */
  query?: string;
}

export interface BookPage {
  books: Book[];
  /** Books matching the query, on every page. */
  total: number;
  /** Books waiting or being ingested in the whole library: the page refreshes while there are some. */
  ingesting: number;
  /** Books ready to be asked about in the whole library. */
  ready: number;
}

export const defaultBookPageSize = 50;
export const maximumBookPageSize = 500;

/** Lower case without accents: "Émile Zola" and "emile zola" match each other. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase();
}

const letterOrDigit = /[\p{L}\p{N}]/u;

/** Whether `word` begins a word of `text` ("zol" in "émile zola", not "ola"; "7" in "volume 7", not "17"). */
function startsAWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    if (at === 0 || !letterOrDigit.test(text[at - 1] ?? '')) return true;
  }
  return false;
}

const titleOrder = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** The books of one version of the list, sorted by title, with what a query is matched against. */
export interface SortedBooks {
  books: readonly Book[];
  /** Each book's title and author, folded (foldForSearch), in the same order. */
  searchTexts: readonly string[];
  ingesting: number;
  ready: number;
}

/** Sorts by title, then id, so that pages never overlap. */
export function sortBooks(all: readonly Book[]): SortedBooks {
  const books = [...all].sort(
    (first, second) => titleOrder.compare(first.title, second.title) || first.id - second.id,
  );
  return {
    books,
    searchTexts: books.map((book) => foldForSearch(`${book.title}\n${book.author ?? ''}`)),
    ingesting: books.filter((book) => book.state === 'pending' || book.state === 'ingesting').length,
    ready: books.filter((book) => book.state === 'ready').length,
  };
}

/**
 * One page of sorted books, keeping those whose title or author has a word beginning with each
 * word of the query (typed as far as it goes).
 */
export function pageOfSortedBooks(sorted: SortedBooks, options: BookListOptions = {}): BookPage {
  const offset = Math.max(0, Math.trunc(options.offset ?? 0));
  const limit = Math.min(maximumBookPageSize, Math.max(1, Math.trunc(options.limit ?? defaultBookPageSize)));
  const words = foldForSearch(options.query ?? '')
    .split(/\s+/)
    .filter((word) => word.length > 0);
  const matching =
    words.length === 0
      ? sorted.books
      : sorted.books.filter((_, index) => {
          const text = sorted.searchTexts[index] ?? '';
          return words.every((word) => startsAWord(text, word));
        });
  return {
    books: matching.slice(offset, offset + limit),
    total: matching.length,
    ingesting: sorted.ingesting,
    ready: sorted.ready,
  };
}

/** One page of the books, sorted by title: `sortBooks` then `pageOfSortedBooks`. */
export function pageOfBooks(all: readonly Book[], options: BookListOptions = {}): BookPage {
  return pageOfSortedBooks(sortBooks(all), options);
}
