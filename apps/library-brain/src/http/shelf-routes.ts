import { MemoryError } from '@klody/memory';
import { parseRequest, type ServiceEnv } from '@klody/service';
import type { Hono } from 'hono';
import { z } from 'zod';
import type { Library } from '../library/library.js';
import { apiError } from './api-error.js';

const shelfParameters = z.object({
  id: z.coerce.number().int().min(1),
  shelf: z.string().trim().min(1, 'shelf is empty').max(80, 'shelf is longer than 80 characters'),
});

/** A book named in the path that does not exist is a 404 (the library says 400 for a filter). */
function notFoundForUnknownBook<T>(id: number, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (
      MemoryError.isInstance(error) &&
      error.code === 'invalid_argument' &&
      error.message.startsWith('no book')
    )
      throw apiError('not_found', `no book with id ${id}`);
    throw error;
  }
}

/**
 * What the page's filter offers (GET /api/filters: authors, languages, shelves), and shelves on
 * books: PUT /api/books/:id/shelves/:shelf puts the book on it, DELETE takes it off.
 */
export function addShelfRoutes(app: Hono<ServiceEnv>, library: Library): void {
  app.get('/api/filters', (context) => context.json(library.filterChoices()));

  app.put('/api/books/:id/shelves/:shelf', (context) => {
    const { id, shelf } = parseRequest(shelfParameters, context.req.param());
    return context.json({ book: notFoundForUnknownBook(id, () => library.shelve(String(id), shelf)) });
  });

  app.delete('/api/books/:id/shelves/:shelf', (context) => {
    const { id, shelf } = parseRequest(shelfParameters, context.req.param());
    return context.json(notFoundForUnknownBook(id, () => library.unshelve(String(id), shelf)));
  });
}
