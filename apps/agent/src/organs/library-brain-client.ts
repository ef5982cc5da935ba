// Library Brain's HTTP API as the agent uses it (apps/library-brain/src/http/create-app.ts): search,
// ask, the book list and removal. Never its code: only its routes.
import { z } from 'zod';
import { type Organ, type OrganHealth, organHealth, readJson, requestOrgan } from './organ-request.js';

export const libraryBrainName = 'Library Brain';
export const libraryBrainURLVariable = 'KLODY_LIBRARY_BRAIN_URL';
export const libraryBrainDefaultURL = 'http://127.0.0.1:8765';

const passageSchema = z.object({
  book: z.string(),
  bookId: z.number().int(),
  chapter: z.string().nullable(),
  start: z.number().int(),
  end: z.number().int(),
  score: z.number(),
  text: z.string(),
});
export type LibraryPassage = z.infer<typeof passageSchema>;

const citationSchema = z.object({
  n: z.number().int(),
  book: z.string(),
  bookId: z.number().int(),
  chapter: z.string().nullable(),
  start: z.number().int(),
  end: z.number().int(),
  text: z.string(),
});
export type LibraryCitation = z.infer<typeof citationSchema>;

const answerSchema = z.object({
  answer: z.string(),
  refused: z.boolean(),
  citations: z.array(citationSchema),
  mode: z.enum(['generated', 'extractive']),
  fallback: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
});
export type LibraryAnswer = z.infer<typeof answerSchema>;

const bookSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  author: z.string().nullable(),
  language: z.string().nullable(),
  chunks: z.number().int(),
  state: z.string(),
});
export type LibraryBook = z.infer<typeof bookSchema>;

export interface LibraryBrainClient {
  readonly url: string;
  /** Its `/health`, or `unreachable` with the reason: never throws. */
  health(options?: { signal?: AbortSignal }): Promise<OrganHealth>;
  search(query: string, options?: { limit?: number; signal?: AbortSignal }): Promise<LibraryPassage[]>;
  ask(question: string, options?: { signal?: AbortSignal }): Promise<LibraryAnswer>;
  books(options?: { signal?: AbortSignal }): Promise<LibraryBook[]>;
  /** Removes a book by id; Library Brain answers 404 (a ToolError, code `not_found`) when there is none. */
  removeBook(id: number, options?: { signal?: AbortSignal }): Promise<LibraryBook>;
}

export interface LibraryBrainClientOptions {
  url: string;
  /** KLODY_LIBRARY_BRAIN_API_KEY, when Library Brain asks for one. */
  apiKey?: string | null;
  /** Longest wait for a search, the book list or a removal (default 30 s). */
  timeoutMs?: number;
  /** Longest wait for an answer, which a chat model may write (default 180 s). */
  answerTimeoutMs?: number;
  fetch?: typeof fetch;
}

export function createLibraryBrainClient(options: LibraryBrainClientOptions): LibraryBrainClient {
  const organ = (timeoutMs: number): Organ => ({
    name: libraryBrainName,
    url: options.url,
    urlVariable: libraryBrainURLVariable,
    apiKey: options.apiKey ?? null,
    timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const quick = organ(options.timeoutMs ?? 30_000);
  const slow = organ(options.answerTimeoutMs ?? 180_000);
  return {
    url: options.url,
    health: ({ signal } = {}) => organHealth(quick, signal),
    async search(query, { limit = 5, signal } = {}) {
      const parameters = new URLSearchParams({ q: query, k: String(limit) });
      const { results } = await requestOrgan(quick, {
        path: `/api/search?${parameters}`,
        signal,
        read: readJson(z.object({ results: z.array(passageSchema) })),
      });
      return results;
    },
    ask(question, { signal } = {}) {
      return requestOrgan(slow, {
        method: 'POST',
        path: '/api/ask',
        json: { question, stream: false },
        signal,
        read: readJson(answerSchema),
      });
    },
    async books({ signal } = {}) {
      const { books } = await requestOrgan(quick, {
        path: '/api/books',
        signal,
        read: readJson(z.object({ books: z.array(bookSchema) })),
      });
      return books;
    },
    async removeBook(id, { signal } = {}) {
      const { removed } = await requestOrgan(quick, {
        method: 'DELETE',
        path: `/api/books/${encodeURIComponent(String(id))}`,
        signal,
        read: readJson(z.object({ removed: bookSchema })),
      });
      return removed;
    },
  };
}
