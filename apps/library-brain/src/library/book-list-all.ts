import { maximumBookPageSize } from './book-list.js';
import type { Book, Library } from './library.js';

/** Every book matching the query (every book without one), read a page at a time: `books --all`. */
export function listAllBooks(library: Pick<Library, 'listBooks'>, query?: string): Book[] {
  const books: Book[] = [];
  for (;;) {
    const page = library.listBooks({ offset: books.length, limit: maximumBookPageSize, query });
    books.push(...page.books);
    if (page.books.length === 0 || books.length >= page.total) return books;
  }
}
