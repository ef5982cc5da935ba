import { parseRequest } from '@klody/service';
import { z } from 'zod';
import type { BookFilter } from '../library/library.js';

const name = (what: string) =>
  z.string().trim().min(1, `${what} is empty`).max(200, `${what} is longer than 200 characters`);

/**
 * The parts of a filter, each optional: the books (ids or titles), an author, a language, a shelf.
 * POST /api/ask takes them as its `filter` object; the MCP tools take them beside the question.
 */
export const bookFilterFields = {
  books: z.array(name('a book')).max(100, 'more than 100 books').optional(),
  author: name('author').optional(),
  language: name('language').optional(),
  shelf: name('shelf').optional(),
};

/** The `filter` of POST /api/ask. */
export const bookFilterBody = z.object(bookFilterFields).strict();

/** A conversation id as given back in `conversationId` (an unknown one is a 404, not a 400). */
export const conversationIdField = z.string().trim().min(1, 'conversationId is empty').max(200);

/** The filter made of the parts given; undefined when none is (no filter at all, not an empty one). */
export function bookFilterOf(parts: BookFilter): BookFilter | undefined {
  const filter: BookFilter = {};
  if (parts.books !== undefined) filter.books = parts.books;
  if (parts.author !== undefined) filter.author = parts.author;
  if (parts.language !== undefined) filter.language = parts.language;
  if (parts.shelf !== undefined) filter.shelf = parts.shelf;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/**
 * The filter of GET /api/search from its query: `book` (repeatable), `author`, `language`, `shelf`;
 * undefined when none is given.
 */
export function bookFilterFromQuery(query: (key: string) => string[] | undefined): BookFilter | undefined {
  const first = (key: string) => query(key)?.[0];
  return bookFilterOf(
    parseRequest(bookFilterBody, {
      books: query('book'),
      author: first('author'),
      language: first('language'),
      shelf: first('shelf'),
    }),
  );
}
