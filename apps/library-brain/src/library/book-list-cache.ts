import type { Database } from 'better-sqlite3';
import {
  type BookListOptions,
  type BookPage,
  pageOfSortedBooks,
  type SortedBooks,
  sortBooks,
} from './book-list.js';
import type { Book } from './library.js';

export interface BookListCache {
  page(options?: BookListOptions): BookPage;
}

/**
 * The book list, read and sorted again only when something changed: a write by this connection
 * (`total_changes()`: ingestions, removals, shelves), a write by another process on the same file
 * (`PRAGMA data_version`: a CLI `ingest` while `serve` runs), or the ingestions in progress. Reading
 * 5,000 books costs tens of milliseconds; the page asks for the list every 2 to 30 s, and each
 * page of the same list then costs a slice.
 */
export function createBookListCache(options: {
  connection: Database;
  readBooks: () => Book[];
  /** Changes whenever a book starts or stops waiting or being ingested. */
  inProgress: () => string;
}): BookListCache {
  const totalChanges = options.connection.prepare('SELECT total_changes()').pluck();
  let cached: { version: string; sorted: SortedBooks } | null = null;
  return {
    page(listOptions) {
      const version = [
        options.connection.pragma('data_version', { simple: true }),
        totalChanges.get(),
        options.inProgress(),
      ].join('\n');
      if (cached?.version !== version) cached = { version, sorted: sortBooks(options.readBooks()) };
      return pageOfSortedBooks(cached.sorted, listOptions);
    },
  };
}
