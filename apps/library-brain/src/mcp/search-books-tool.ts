import { textResult } from '@klody/mcp';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { bookFilterFields, bookFilterOf } from '../http/book-filter-request.js';
import { defaultSearchCount, maximumSearchCount, searchQueryField } from '../http/request-fields.js';
import { type SearchResult, searchResult } from '../library/search-result.js';
import { guardLibraryTool } from './guard-library-tool.js';
import type { LibraryMcpDependencies } from './library-mcp-dependencies.js';
import { bookFilterDescriptions } from './tool-descriptions.js';

const searchResultShape = z.object({
  book: z.string(),
  bookId: z.number().int(),
  chapter: z.string().nullable(),
  start: z.number().int().describe('first character of the passage in the book (UTF-16 index)'),
  end: z.number().int().describe('character after the passage'),
  score: z.number(),
  text: z.string(),
  page: z.number().int().nullable().describe("a PDF's page; null for books without pages"),
});

/** The passages for a model to read: where each is, then its text on one line. */
function passagesText(query: string, results: readonly SearchResult[]): string {
  if (results.length === 0) return `No passage of the books matches "${query}".`;
  return results
    .map((result, index) => {
      const where = [
        result.chapter,
        result.page !== null ? `p. ${result.page}` : null,
        `characters ${result.start}–${result.end}`,
      ]
        .filter(Boolean)
        .join(', ');
      return `${index + 1}. ${result.book} (book ${result.bookId}) — ${where}\n${result.text.replace(/\s+/g, ' ').trim()}`;
    })
    .join('\n\n');
}

/** `search_books`: GET /api/search as a tool, on the library's own search. */
export function registerSearchBooksTool(server: McpServer, dependencies: LibraryMcpDependencies): void {
  server.registerTool(
    'search_books',
    {
      title: 'Search the books',
      description:
        "Finds the passages of the user's books (Library Brain) that best match a query, best first, each with its book, chapter, page and character offsets. Use it to see where the books speak of something; use ask_books for an answer with citations.",
      inputSchema: {
        query: searchQueryField('query').describe('what to look for, in words the books would use'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(maximumSearchCount)
          .optional()
          .describe(`how many passages (default ${defaultSearchCount}, at most ${maximumSearchCount})`),
        books: bookFilterFields.books.describe(bookFilterDescriptions.books),
        author: bookFilterFields.author.describe(bookFilterDescriptions.author),
        language: bookFilterFields.language.describe(bookFilterDescriptions.language),
        shelf: bookFilterFields.shelf.describe(bookFilterDescriptions.shelf),
      },
      outputSchema: { results: z.array(searchResultShape) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ query, limit, books, author, language, shelf }, extra) =>
      guardLibraryTool('search_books', dependencies, async (library) => {
        const passages = await library.search(query, {
          k: limit ?? defaultSearchCount,
          filter: bookFilterOf({ books, author, language, shelf }),
          signal: extra.signal,
        });
        const results = passages.map(searchResult);
        return textResult(passagesText(query, results), { results });
      }),
  );
}
