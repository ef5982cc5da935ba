import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  countChunksBySource,
  createCachedEmbedder,
  createDefaultLoaders,
  createHybridRetriever,
  createIngester,
  createOpenAiGenerator,
  createWorkerRetriever,
  type Embedder,
  findLoader,
  listSources,
  loadDocumentFile,
  MemoryError,
  migrate,
  type Retriever,
  readSourceSlice,
  type SourceDocument,
} from '@klody/memory';
import type { LibraryBrainConfig } from '../config/config.js';
import { openLibraryDatabase } from '../database/open-database.js';
import { createLibraryAnswerer } from './answerer.js';
import { filterChoices, readFilterableBooks, resolveBookFilter } from './book-filter.js';
import { createBookListCache } from './book-list-cache.js';
import { bookMetadata } from './book-metadata.js';
import { createBookShelves, shelfName } from './book-shelves.js';
import { discardUploadedCopy } from './book-upload.js';
import { createConversationStore } from './conversations.js';
import { askInConversation } from './conversations-ask.js';
import { createEmbedderMigration } from './embedder-migration.js';
import { createGatewayConnection } from './gateway-connection.js';
import type {
  Book,
  BookFilter,
  IngestProgress,
  IngestSummary,
  Library,
  Passage,
  PassageContext,
} from './library.js';
import { createLibraryRetriever } from './library-retriever.js';
import { pageNumber } from './page-numbers.js';
import { createQuestionRewriter } from './question-rewrite.js';
import { syncFolder } from './sync.js';
import { createLibraryWholeBook } from './whole-book-library.js';

export interface CreateLibraryOptions {
  log?: (message: string) => void;
  fetch?: typeof fetch;
  /** Scans in a worker thread (for the server); the CLI answers one query and needs none. */
  workerThreads?: boolean;
  /** How long to wait before asking a gateway that failed again (default: `config.gatewayRetryMs`). */
  gatewayRetryMs?: number;
  /**
   * Wait for the first look at the gateway's models before returning (default true: a CLI command
   * then answers with whatever the gateway serves). The server passes false: it listens first, and
   * the gateway is checked in the background, each step within the check time limit.
   */
  waitForGateway?: boolean;
  /**
   * Migrate the books' vectors to the embedder in the background once it answers, when they come
   * from another one (the server passes true; `library-brain reindex` does it in the foreground).
   */
  migrateVectors?: boolean;
}

type Ingester = ReturnType<typeof createIngester>;

/** How long `gatewayHealth` waits, at most, for the first look at the gateway to end. */
const firstLookGraceMs = 500;

const failuresTable = `
  CREATE TABLE IF NOT EXISTS library_failures (
    path TEXT PRIMARY KEY,
    message TEXT NOT NULL,
    failed_at INTEGER NOT NULL
  )`;

export async function listBookFiles(
  path: string,
  loaders: ReturnType<typeof createDefaultLoaders>,
): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  const files: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await listBookFiles(child, loaders)));
    else if (entry.isFile() && findLoader(loaders, entry.name)) files.push(child);
  }
  return files.sort();
}

// The worker threads import this module to open their own read-only connection: the source file
// when running on sources, the built entry beside this bundle otherwise (tsup.config.ts).
const readOnlyConnectionModule = import.meta.url.endsWith('.ts')
  ? new URL('../database/read-only-connection.ts', import.meta.url)
  : new URL('./read-only-connection.js', import.meta.url);

/** Library Brain over `@klody/memory`, on its own database, with the gateway when it has the models. */
export async function createLibrary(
  config: LibraryBrainConfig,
  options: CreateLibraryOptions = {},
): Promise<Library> {
  const log = options.log ?? (() => {});
  const database = openLibraryDatabase(config.databasePath);
  await migrate(database);
  database.getConnection().exec(failuresTable);
  const shelves = createBookShelves(database.getConnection());
  const conversations = createConversationStore(database.getConnection());

  // The gateway is looked at in the background: nothing here waits on a model that hangs. Until
  // its embedder has answered, search is lexical; until its chat model is usable, answers are
  // extractive. The embedder, once it has answered, stays: switching it would need the books'
  // vectors re-indexed.
  // Vectors from another embedder (or none) are brought to the gateway's (embedder-migration.ts).
  const vectors = createEmbedderMigration({ database, log });
  let rawEmbedder: Embedder | null = null;
  const gateway = createGatewayConnection({
    config,
    fetch: options.fetch,
    log,
    retryMs: options.gatewayRetryMs,
    prepareEmbedder: (embedder) => {
      rawEmbedder = embedder;
      // Started on the next turn: the gateway's short check limit on embedding calls is lifted by then.
      if (options.migrateVectors) setTimeout(() => void vectors.run(embedder, { verify: true }), 0);
      return createCachedEmbedder({ embedder, database });
    },
  });
  const loaders = createDefaultLoaders();
  const makeRetriever = (embedder: Embedder | null): Retriever & { close?: () => Promise<void> } =>
    options.workerThreads
      ? createWorkerRetriever({
          openReadOnlyConnection: { module: readOnlyConnectionModule, argument: database.path },
          embedder,
        })
      : createHybridRetriever({ database, embedder });
  // Made on first use: with an embedder that answers, the lexical retriever's threads are never needed.
  let lexicalRetriever: (Retriever & { close?: () => Promise<void> }) | null = null;
  let hybrid: { embedder: Embedder; retriever: Retriever & { close?: () => Promise<void> } } | null = null;
  const retriever = createLibraryRetriever({
    lexical() {
      lexicalRetriever ??= makeRetriever(null);
      return lexicalRetriever;
    },
    hybrid() {
      const embedder = gateway.embedder();
      if (!embedder || !gateway.usable('embeddings')) return null;
      if (hybrid?.embedder !== embedder) hybrid = { embedder, retriever: makeRetriever(embedder) };
      return hybrid.retriever;
    },
    onEmbedderFailure: (error) => gateway.reportFailure('embeddings', error),
  });
  const answerer = createLibraryAnswerer({ config, connection: gateway, retriever, database });
  const wholeBook = createLibraryWholeBook({ config, connection: gateway, database });
  // Follow-ups are rewritten by the chat model when the gateway serves it now (checked, junk refused).
  const rewriter = createQuestionRewriter({
    generator: () =>
      config.gatewayURL && gateway.usable('chat') && gateway.serves(config.chatModel)
        ? createOpenAiGenerator({
            baseUrl: config.gatewayURL,
            model: config.chatModel,
            apiKey: config.gatewayAPIKey ?? undefined,
            timeoutMs: config.gatewayTimeoutMs,
          })
        : null,
    onGeneratorFailure: (error) => gateway.reportFailure('chat', error),
  });
  const resolveFilter = (filter: BookFilter | undefined) =>
    filter
      ? resolveBookFilter(filter, readFilterableBooks(database.getConnection(), shelves.byPath()))
      : null;
  /** A book by id or title, or an `invalid_argument` error naming the near matches. */
  function findBook(idOrTitle: string): Book {
    const [id] =
      resolveBookFilter(
        { books: [idOrTitle] },
        readFilterableBooks(database.getConnection(), shelves.byPath()),
      ) ?? [];
    const book = books().find((candidate) => candidate.id === id);
    if (!book) throw new MemoryError('invalid_argument', `no book has the id or title "${idOrTitle}"`);
    return book;
  }

  // The ingester embeds with the embedder of its creation: it is made again when the embedder
  // arrives later, between ingestions.
  let ingesterState: { embedder: Embedder | null; ingester: Ingester } | null = null;
  let activeIngestions = 0;
  async function currentIngester(): Promise<Ingester> {
    const embedder = gateway.embedder();
    if (ingesterState && (ingesterState.embedder === embedder || activeIngestions > 0))
      return ingesterState.ingester;
    const previous = ingesterState;
    ingesterState = {
      embedder,
      // One thread chunks and analyses the next books while this one embeds and writes.
      ingester: createIngester({
        database,
        embedder,
        loaders,
        preparationThreads: availableParallelism() > 1 ? 1 : 0,
      }),
    };
    await previous?.ingester.close();
    return ingesterState.ingester;
  }
  if (options.waitForGateway ?? true) await gateway.settled();

  const inProgress = new Map<string, 'pending' | 'ingesting'>();

  // The page asks for the list often: it is read again only after a change (book-list-cache.ts).
  const bookList = createBookListCache({
    connection: database.getConnection(),
    readBooks: books,
    inProgress: () => [...inProgress].join('\n'),
  });

  function books(): Book[] {
    const connection = database.getConnection();
    const counts = countChunksBySource(connection);
    const shelvesByPath = shelves.byPath();
    const ready: Book[] = listSources(connection).map((source) => ({
      id: source.id,
      title: source.title ?? source.uri,
      author: typeof source.metadata.author === 'string' ? source.metadata.author : null,
      language: source.language,
      path: source.uri,
      chunks: counts.get(source.id) ?? 0,
      shelves: shelvesByPath.get(source.uri) ?? [],
      state: inProgress.get(source.uri) === 'ingesting' ? 'ingesting' : 'ready',
      error: null,
    }));
    const known = new Set(ready.map((book) => book.path));
    const failures = connection.prepare('SELECT path, message FROM library_failures ORDER BY path').all() as {
      path: string;
      message: string;
    }[];
    const others: Book[] = [
      ...[...inProgress]
        .filter(([path]) => !known.has(path))
        .map(([path, state]) => ({ path, state, error: null })),
      ...failures
        .filter((failure) => !known.has(failure.path) && !inProgress.has(failure.path))
        .map((failure) => ({
          path: failure.path,
          state: 'failed' as const,
          error: failure.message,
        })),
    ].map((entry) => ({
      id: 0,
      title: entry.path.split('/').pop() ?? entry.path,
      author: null,
      language: null,
      path: entry.path,
      chunks: 0,
      shelves: [],
      state: entry.state,
      error: entry.error,
    }));
    return [...ready, ...others];
  }

  async function ingest(
    paths: readonly string[],
    ingestOptions: {
      onProgress?: (progress: IngestProgress) => void;
      signal?: AbortSignal;
      shelf?: string;
    } = {},
  ): Promise<IngestSummary> {
    // A bad shelf name fails before anything is read.
    const shelf = ingestOptions.shelf === undefined ? null : shelfName(ingestOptions.shelf);
    const files = [
      ...new Set((await Promise.all(paths.map((path) => listBookFiles(resolve(path), loaders)))).flat()),
    ];
    // Books are embedded with the gateway's embedder when it has one: wait for the first look at
    // the gateway (bounded by the check time limits) rather than ingest without vectors.
    await gateway.settled();
    const ingester = await currentIngester();
    const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
    const bytesTotal = sizes.reduce((sum, size) => sum + size, 0) || 1;
    for (const file of files) inProgress.set(file, 'pending');
    // Kept by path: a book that fails to load is on no shelf until it is a book.
    if (shelf) shelves.add(files, shelf);
    const started = performance.now();
    let bytesDone = 0;
    let filesDone = 0;
    let chunksDone = 0;
    const failed: IngestSummary['failed'] = [];
    const report = (currentFile: string | null) => {
      const seconds = (performance.now() - started) / 1000;
      const fraction = bytesDone / bytesTotal;
      ingestOptions.onProgress?.({
        filesDone,
        filesTotal: files.length,
        chunksDone,
        fraction,
        rate: seconds > 0 ? chunksDone / seconds : 0,
        etaSeconds: fraction > 0 ? (seconds * (1 - fraction)) / fraction : null,
        currentFile,
      });
    };
    const connection = database.getConnection();
    const recordFailure = connection.prepare(
      'INSERT INTO library_failures (path, message, failed_at) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET message = excluded.message, failed_at = excluded.failed_at',
    );
    const clearFailure = connection.prepare('DELETE FROM library_failures WHERE path = ?');

    async function* documents(): AsyncGenerator<SourceDocument> {
      for (const [index, file] of files.entries()) {
        report(file);
        inProgress.set(file, 'ingesting');
        try {
          const loaded = await loadDocumentFile(file, loaders);
          const { title, author } = bookMetadata(file, loaded);
          yield {
            uri: file,
            text: loaded.text,
            title,
            format: loaded.format,
            metadata: { ...loaded.metadata, author },
          };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          failed.push({
            path: file,
            code: MemoryError.isInstance(error) ? error.code : 'load_failed',
            message,
          });
          recordFailure.run(file, message, Date.now());
          inProgress.delete(file);
        }
        bytesDone += sizes[index] ?? 0;
      }
    }

    activeIngestions += 1;
    try {
      const result = await ingester.ingest(documents(), {
        total: files.length,
        signal: ingestOptions.signal,
        onProgress: (progress) => {
          filesDone = progress.done;
          chunksDone = progress.chunks;
          inProgress.delete(progress.uri);
          if (!failed.some((failure) => failure.path === progress.uri)) clearFailure.run(progress.uri);
          report(progress.uri);
        },
      });
      for (const failure of result.failed) {
        failed.push({ path: failure.uri, code: failure.code, message: failure.message });
        recordFailure.run(failure.uri, failure.message, Date.now());
      }
      filesDone = files.length;
      bytesDone = bytesTotal;
      report(null);
      return {
        added: result.added,
        updated: result.updated,
        unchanged: result.unchanged,
        failed,
        skipped: result.skipped.map((skip) => ({ path: skip.uri, message: skip.message })),
        chunks: result.chunks,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      activeIngestions -= 1;
      for (const file of files) inProgress.delete(file);
    }
  }

  async function remove(idOrTitle: string): Promise<Book | null> {
    const all = books().filter((book) => book.id > 0);
    const book =
      (/^\d+$/.test(idOrTitle) ? all.find((candidate) => candidate.id === Number(idOrTitle)) : undefined) ??
      all.find((candidate) => candidate.title === idOrTitle) ??
      null;
    if (!book) return null;
    await (await currentIngester()).remove([book.path]);
    await discardUploadedCopy(book.path, config.uploadFolder);
    return book;
  }

  async function search(
    query: string,
    searchOptions: { k?: number; signal?: AbortSignal; filter?: BookFilter } = {},
  ): Promise<Passage[]> {
    const sourceIds = resolveFilter(searchOptions.filter);
    const chunks = await retriever.retrieve({
      text: query,
      limit: searchOptions.k ?? 10,
      signal: searchOptions.signal,
      // Inside retrieval: the lexical and vector searches only score the allowed books' passages.
      ...(sourceIds ? { filter: { sourceIds } } : {}),
    });
    return chunks.map((chunk) => ({
      book: chunk.sourceTitle ?? chunk.sourceUri,
      bookId: chunk.sourceId,
      path: chunk.sourceUri,
      chapter: chunk.heading,
      start: chunk.start,
      end: chunk.end,
      score: chunk.score,
      text: chunk.text,
      page: pageNumber(database.getConnection(), chunk.sourceId, chunk.start),
    }));
  }

  function passage(
    bookId: number,
    start: number,
    end: number,
    contextCharacters = 600,
  ): PassageContext | null {
    const slice = readSourceSlice(database.getConnection(), bookId, start, end, contextCharacters);
    if (!slice) return null;
    return {
      book: slice.title || String(bookId),
      bookId,
      start,
      end,
      before: slice.before,
      text: slice.text,
      after: slice.after,
      page: pageNumber(database.getConnection(), bookId, start),
    };
  }

  return {
    books,
    listBooks: (listOptions) => bookList.page(listOptions),
    ingest,
    remove,
    search,
    ask: (question, askOptions = {}) =>
      askInConversation(question, askOptions, {
        conversations,
        rewriter,
        resolveFilter,
        answer: async (standalone, options) =>
          (await wholeBook.answer(standalone, { ...options, onProgress: askOptions.onProgress })) ??
          answerer.ask(standalone, options),
      }),
    conversation: (id) => conversations.get(id),
    filterChoices: () => filterChoices(readFilterableBooks(database.getConnection(), shelves.byPath())),
    shelve(book, shelf) {
      const found = findBook(book);
      shelves.add([found.path], shelf);
      return findBook(String(found.id));
    },
    unshelve(book, shelf) {
      const found = findBook(book);
      const removed = shelves.remove(found.path, shelf);
      return { book: findBook(String(found.id)), removed };
    },
    async gatewayHealth() {
      // A local gateway answers its first look in milliseconds: a moment's grace right after
      // start-up keeps /health from saying "checking" about a gateway that is well.
      if (gateway.health().state === 'checking')
        await Promise.race([gateway.settled(), delay(firstLookGraceMs, undefined, { ref: false })]);
      void gateway.refresh();
      return gateway.health();
    },
    sync: (folder, syncOptions) =>
      syncFolder(
        {
          connection: database.getConnection(),
          loaders,
          listBookFiles: (root) => listBookFiles(root, loaders),
          ingest: (paths, ingestOptions) => ingest(paths, ingestOptions),
          removePaths: async (paths) => (await currentIngester()).remove(paths),
        },
        folder,
        syncOptions,
      ),
    vectorIndexStatus: () => vectors.status(),
    async reindex() {
      await gateway.settled();
      return rawEmbedder ? vectors.run(rawEmbedder, { verify: true }) : null;
    },
    passage,
    async close() {
      gateway.close();
      await vectors.close();
      await ingesterState?.ingester.close();
      await lexicalRetriever?.close?.();
      await hybrid?.retriever.close?.();
      database.close();
    },
  };
}
