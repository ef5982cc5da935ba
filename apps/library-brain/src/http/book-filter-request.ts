import { parseRequest } from '@klody/service';
import { z } from 'zod';
import type { BookFilter } from '../library/library.js';

const name = (what: string) =>
  z.string().trim().min(1, `${what} is empty`).max(200, `${what} is longer than 200 characters`);

/** The `filter` of POST /api/ask: the books (ids or titles), an author, a language, a shelf. */
export const bookFilterBody = z
  .object({
    books: z.array(name('a book')).max(100, 'more than 100 books').optional(),
    author: name('author').optional(),
    language: name('language').optional(),
    shelf: name('shelf').optional(),
  })
  .strict();

/** A conversation id as given back in `conversationId` (an unknown one is a 404, not a 400). */
export const conversationIdField = z.string().trim().min(1, 'conversationId is empty').max(200);

/**
 * The filter of GET /api/search from its query: `book` (repeatable), `author`, `language`, `shelf`;
 * undefined when none is given.
 */
export function bookFilterFromQuery(query: (key: string) => string[] | undefined): BookFilter | undefined {
  const first = (key: string) => query(key)?.[0];
  const filter = parseRequest(bookFilterBody, {
    books: query('book'),
    author: first('author'),
    language: first('language'),
    shelf: first('shelf'),
  });
  return Object.values(filter).some((value) => value !== undefined) ? filter : undefined;
}
