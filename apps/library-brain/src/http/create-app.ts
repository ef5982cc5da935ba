import { mountMcpRoute } from '@klody/mcp';
import {
  createServiceApp,
  limitBody,
  mebibyte,
  parseRequest,
  readJsonBody,
  type ServiceEnv,
  type ServiceLogger,
  webFiles,
} from '@klody/service';
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { defaultBookPageSize, maximumBookPageSize } from '../library/book-list.js';
import type { Library } from '../library/library.js';
import { searchResult } from '../library/search-result.js';
import { createLibraryMcpServer } from '../mcp/create-library-mcp-server.js';
import { allowedPath } from './allowed-path.js';
import { apiError } from './api-error.js';
import { apiErrorFrom } from './api-error-from.js';
import { bookFilterBody, bookFilterFromQuery, conversationIdField } from './book-filter-request.js';
import { addConversationRoutes } from './conversation-routes.js';
import { registerOpenAiRoutes } from './openai-routes.js';
import {
  bookQueryField,
  defaultSearchCount,
  maximumSearchCount,
  questionField,
  searchQueryField,
} from './request-fields.js';
import { addShelfRoutes } from './shelf-routes.js';
import { registerUploadRoutes } from './upload-routes.js';

export interface CreateAppOptions {
  library: Library;
  libraryRoots: readonly string[];
  /** The gateway's URL, named in the errors of its models; null or absent without a gateway. */
  gatewayURL?: string | null;
  /** Request logs and unexpected errors; none without it. */
  logger?: ServiceLogger;
  /** When set, /api/* and /mcp ask for it as a bearer key; the page and /health stay open to loopback. */
  apiKey?: string | null;
  /** Books uploaded from the page: where they are kept and the largest one (upload-routes.ts); none without it. */
  uploads?: { folder: string; maxBytes: number };
}

/** JSON bodies are small here (a question, a list of paths): 1 MiB is plenty. */
export const jsonBodyLimitBytes = mebibyte;

/** Where MCP clients reach the tools over HTTP. */
const mcpPath = '/mcp';

const askBody = z.object({
  question: questionField,
  stream: z.boolean().optional(),
  filter: bookFilterBody.optional(),
  conversationId: conversationIdField.optional(),
});
const ingestBody = z.object({
  paths: z.array(z.string().min(1)).min(1, 'paths is empty').max(10_000),
});
const searchQuery = z.object({
  q: searchQueryField('q'),
  k: z.coerce.number().int().min(1).max(maximumSearchCount).default(defaultSearchCount),
});
const bookListQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(maximumBookPageSize).default(defaultBookPageSize),
  q: bookQueryField('q').default(''),
});
const passageQuery = z.object({
  book: z.coerce.number().int().min(1),
  start: z.coerce.number().int().min(0),
  end: z.coerce.number().int().min(0),
});

// The page's files sit in the package's web/ folder: two levels above src/http/ when running on
// sources, one above dist/ when built.
const page = webFiles([new URL('../../web/', import.meta.url), new URL('../web/', import.meta.url)]);
const webFile = page.read;

/**
 * Library Brain's HTTP API, MCP endpoint and web page, on @klody/service's boundary: the loopback
 * policy (its page is same-origin, so it passes), body limits, and one error handler whose `mapError`
 * is `apiErrorFrom`. It only binds loopback (config.ts); KLODY_LIBRARY_BRAIN_API_KEY, when set, also
 * keeps other local users and programs out of /api/*, /v1/* and /mcp.
 */
export function createApp({
  library,
  libraryRoots,
  gatewayURL = null,
  logger,
  apiKey = null,
  uploads,
}: CreateAppOptions): Hono<ServiceEnv> {
  const app = createServiceApp({
    ...(logger ? { logger } : {}),
    apiKey,
    protectedPaths: ['/api/*', mcpPath],
    mapError: (error) => apiErrorFrom(error, { gatewayURL }),
  });
  const limitJson = limitBody(jsonBodyLimitBytes);
  let ingesting = false;

  // Answers at once: the gateway's health as last seen (a gateway that is not well is checked again
  // in the background), never a wait on it beyond half a second right after start-up.
  app.get('/health', async (context) => {
    const gateway = await library.gatewayHealth();
    // The list as kept between changes (book-list-cache.ts): reading 5,000 books costs tens of ms.
    const books = library.listBooks({ limit: 1 });
    const well = (gateway.state === 'ok' || gateway.state === 'disabled') && gateway.reason === null;
    return context.json({
      status: well ? 'ok' : 'degraded',
      gateway: gateway.state,
      // The books' vectors following an embedder change (embedder-migration.ts).
      vectors: library.vectorIndexStatus(),
      reason: gateway.reason,
      books: books.total,
      ready: books.ready,
    });
  });

  // One page of the books (the first 50 unless asked otherwise), with how many match in all.
  app.get('/api/books', (context) => {
    const { offset, limit, q } = parseRequest(bookListQuery, context.req.query());
    const page = library.listBooks({ offset, limit, query: q });
    return context.json({ ...page, offset, limit, roots: libraryRoots });
  });

  app.delete('/api/books/:id', async (context) => {
    const id = parseRequest(z.coerce.number().int().min(1), context.req.param('id'));
    const removed = await library.remove(String(id));
    if (!removed) throw apiError('not_found', `no book with id ${id}`);
    return context.json({ removed });
  });

  app.get('/api/search', async (context) => {
    const { q, k } = parseRequest(searchQuery, context.req.query());
    const filter = bookFilterFromQuery((key) => context.req.queries(key));
    const results = await library.search(q, { k, filter, signal: context.req.raw.signal });
    return context.json({ results: results.map(searchResult) });
  });

  app.get('/api/passage', (context) => {
    const { book, start, end } = parseRequest(passageQuery, context.req.query());
    if (end < start) throw apiError('invalid_request', 'end is before start');
    const passage = library.passage(book, start, end);
    if (!passage) throw apiError('not_found', `book ${book} has no passage ${start}–${end}`);
    return context.json(passage);
  });

  app.post('/api/ask', limitJson, async (context) => {
    const { question, stream, filter, conversationId } = parseRequest(
      askBody,
      await readJsonBody(context.req.raw),
    );
    const wantsStream = stream ?? (context.req.header('accept') ?? '').includes('text/event-stream');
    if (!wantsStream) {
      return context.json(
        await library.ask(question, { filter, conversationId, signal: context.req.raw.signal }),
      );
    }
    return streamSSE(context, async (sse) => {
      const controller = new AbortController();
      sse.onAbort(() => controller.abort());
      try {
        const answer = await library.ask(question, {
          filter,
          conversationId,
          signal: controller.signal,
          onToken: (token) => {
            void sse.writeSSE({ event: 'token', data: JSON.stringify({ text: token }) });
          },
          // The tokens sent so far are abandoned: the extractive answer's tokens follow.
          onFallback: (fallback) => {
            void sse.writeSSE({ event: 'fallback', data: JSON.stringify(fallback) });
          },
          // Long whole-book answers: { stage, done, total } as they go.
          onProgress: (progress) => {
            void sse.writeSSE({ event: 'progress', data: JSON.stringify(progress) });
          },
        });
        await sse.writeSSE({ event: 'citations', data: JSON.stringify(answer.citations) });
        await sse.writeSSE({ event: 'done', data: JSON.stringify(answer) });
      } catch (error) {
        if (controller.signal.aborted) return;
        // The status is already sent: the error goes in the stream, as the JSON route would answer it.
        let known = apiErrorFrom(error, { gatewayURL });
        if (!known) {
          logger?.error({ err: error, requestId: context.get('requestId') }, 'ask failed while streaming');
          known = apiError('internal_error', 'the service failed unexpectedly; see its log');
        }
        await sse.writeSSE({
          event: 'error',
          data: JSON.stringify({ error: { code: known.code, message: known.message } }),
        });
      }
    });
  });

  app.post('/api/ingest', limitJson, async (context) => {
    const { paths } = parseRequest(ingestBody, await readJsonBody(context.req.raw));
    const allowed = paths.map((path) => allowedPath(path, libraryRoots));
    if (ingesting)
      throw apiError('ingestion_running', 'an ingestion is already running; try again when it is done');
    ingesting = true;
    try {
      return context.json(await library.ingest(allowed));
    } finally {
      ingesting = false;
    }
  });

  // MCP clients (streamable HTTP, stateless): the same tools as `library-brain mcp` on stdio.
  mountMcpRoute(app, () => createLibraryMcpServer({ library, gatewayURL, ...(logger ? { logger } : {}) }), {
    path: mcpPath,
    maxBodyBytes: jsonBodyLimitBytes,
  });
  addConversationRoutes(app, library);
  registerOpenAiRoutes(app, { library, apiKey, gatewayURL, logger });
  addShelfRoutes(app, library);
  if (uploads) registerUploadRoutes(app, { library, ...uploads });

  app.get('/', (context) => context.html(webFile('index.html')));
  // The page's scripts are ES modules, one per part of the page (web/*.js); only plain names are
  // served, so no path reaches outside web/.
  app.get('/:script{[a-z][a-z0-9-]*\\.js}', (context) => {
    const name = context.req.param('script');
    if (!page.has(name)) throw apiError('not_found', `no page file ${name}`);
    return context.body(webFile(name), 200, { 'content-type': 'text/javascript; charset=utf-8' });
  });
  app.get('/style.css', (context) =>
    context.body(webFile('style.css'), 200, { 'content-type': 'text/css; charset=utf-8' }),
  );

  return app;
}
