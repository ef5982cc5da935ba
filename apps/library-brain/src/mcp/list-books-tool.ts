import { textResult } from '@klody/mcp';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { bookQueryField } from '../http/request-fields.js';
import { defaultBookPageSize, maximumBookPageSize } from '../library/book-list.js';
import type { Book } from '../library/library.js';
import { guardLibraryTool } from './guard-library-tool.js';
import type { LibraryMcpDependencies } from './library-mcp-dependencies.js';

const bookShape = z.object({
  id: z.number().int().describe('what the other tools take in books'),
  title: z.string(),
  author: z.string().nullable(),
  language: z.string().nullable(),
  path: z.string().describe('the file the book was read from'),
  chunks: z.number().int().describe('passages the book is searched by'),
  shelves: z.array(z.string()),
  state: z.enum(['pending', 'ingesting', 'ready', 'failed']).describe('only ready books are searched'),
  error: z.string().nullable().describe('why ingestion failed, when it did'),
});

/** GET /api/books's page, less `roots` (the folders the HTTP API may ingest from). */
const bookPageShape = {
  books: z.array(bookShape),
  total: z.number().int().describe('books matching the query, on every page'),
  ingesting: z.number().int().describe("the library's books waiting or being ingested"),
  ready: z.number().int().describe("the library's books ready to be asked about"),
  offset: z.number().int(),
  limit: z.number().int(),
};

function bookLine(book: Book): string {
  const details = [
    book.author,
    book.language,
    book.state === 'ready' ? `${book.chunks} passages` : book.state,
    book.shelves.length > 0 ? `shelves: ${book.shelves.join(', ')}` : null,
    book.error ? `error: ${book.error}` : null,
  ].filter(Boolean);
  return `${book.id}. ${book.title}${details.length > 0 ? ` — ${details.join('; ')}` : ''}`;
}

/** The page for a model to read: one book a line, then where the page sits in the list. */
function pageText(books: readonly Book[], total: number, offset: number, query: string): string {
  if (total === 0)
    return query
      ? `No book's title or author matches "${query}".`
      : 'The library has no books yet (add some with: pnpm library-brain ingest <files or folders>).';
  const shown =
    books.length === 0
      ? `No book at offset ${offset}: the list holds ${total}.`
      : `Books ${offset + 1}–${offset + books.length} of ${total}${offset + books.length < total ? ` (pass offset ${offset + books.length} for more)` : ''}.`;
  return [...books.map(bookLine), shown].join('\n');
}

/** `list_books`: GET /api/books as a tool, on the library's own list (sorted by title, searchable). */
export function registerListBooksTool(server: McpServer, dependencies: LibraryMcpDependencies): void {
  server.registerTool(
    'list_books',
    {
      title: 'List the books',
      description:
        "Lists the books in the user's library (Library Brain), sorted by title, a page at a time: id, title, author, language, shelves and ingestion state. The ids are what search_books and ask_books take in books.",
      inputSchema: {
        query: bookQueryField('query')
          .optional()
          .describe(
            'only the books whose title or author has words beginning with these (any case or accents)',
          ),
        offset: z.number().int().min(0).optional().describe('books to skip before the page (default 0)'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(maximumBookPageSize)
          .optional()
          .describe(`books on the page (default ${defaultBookPageSize}, at most ${maximumBookPageSize})`),
      },
      outputSchema: bookPageShape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ query = '', offset = 0, limit = defaultBookPageSize }) =>
      guardLibraryTool('list_books', dependencies, async (library) => {
        const page = library.listBooks({ offset, limit, query });
        return textResult(pageText(page.books, page.total, offset, query), { ...page, offset, limit });
      }),
  );
}
