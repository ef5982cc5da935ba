import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createCachedEmbedder,
  createDefaultLoaders,
  createEmbedderFromId,
  createHybridRetriever,
  createIngester,
  createWorkerRetriever,
  type Embedder,
  findLoader,
  getSourceText,
  listSources,
  loadDocumentFile,
  migrate,
  type Retriever,
  type SourceDocument,
} from '@klody/memory';
import type { LibraryBrainConfig } from '../config/config.js';
import { type LibraryDatabase, openLibraryDatabase } from '../database/open-database.js';
import { createLibraryAnswerer } from './answerer.js';
import { bookMetadata } from './book-metadata.js';
import { fetchGatewayModels, type GatewayModels } from './gateway-models.js';
import type { Book, IngestProgress, IngestSummary, Library, Passage, PassageContext } from './library.js';

export interface CreateLibraryOptions {
  log?: (message: string) => void;
  fetch?: typeof fetch;
  /** Scans in a worker thread (for the server); the CLI answers one query and needs none. */
  workerThreads?: boolean;
  /** How long to wait before asking a gateway that was down again (default 15 s). */
  gatewayRetryMs?: number;
}

const failuresTable = `
  CREATE TABLE IF NOT EXISTS library_failures (
    path TEXT PRIMARY KEY,
    message TEXT NOT NULL,
    failed_at INTEGER NOT NULL
  )`;

async function resolveEmbedder(
  config: LibraryBrainConfig,
  gateway: GatewayModels,
  database: LibraryDatabase,
  log: (message: string) => void,
): Promise<Embedder | null> {
  let embedder: Embedder | null = null;
  if (config.embedder) {
    embedder = await createEmbedderFromId(config.embedder, {
      baseUrl: config.gatewayURL ?? undefined,
      apiKey: config.gatewayAPIKey ?? undefined,
    });
  } else if (gateway.models.has(config.embedModel) && config.gatewayURL) {
    embedder = await createEmbedderFromId(`openai:${config.embedModel}`, {
      baseUrl: config.gatewayURL,
      apiKey: config.gatewayAPIKey ?? undefined,
    }).catch((error: unknown) => {
      log(
        `embeddings: ${config.embedModel} did not answer (${error instanceof Error ? error.message : error}); lexical search only`,
      );
      return null;
    });
  }
  return embedder ? createCachedEmbedder({ embedder, database }) : null;
}

async function listBookFiles(
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

  const gateway = await fetchGatewayModels(config.gatewayURL, config.gatewayAPIKey, options.fetch);
  if (gateway.status === 'unreachable')
    log(
      `the gateway at ${config.gatewayURL} does not answer: running degraded (lexical search, extractive answers)`,
    );
  const embedder = await resolveEmbedder(config, gateway, database, log);
  const loaders = createDefaultLoaders();
  // One thread chunks and analyses the next books while this one embeds and writes.
  const ingester = createIngester({
    database,
    embedder,
    loaders,
    preparationThreads: availableParallelism() > 1 ? 1 : 0,
  });
  const retriever: Retriever & { close?: () => Promise<void> } = options.workerThreads
    ? createWorkerRetriever({
        openReadOnlyConnection: {
          module: readOnlyConnectionModule,
          argument: database.path,
        },
        embedder,
      })
    : createHybridRetriever({ database, embedder });
  let answerer = createLibraryAnswerer({ config, gateway, retriever, database });
  let gatewayStatus = gateway.status;
  let lastGatewayCheck = Date.now();

  // A gateway that was down at start-up is asked again (at most every 15 s) so that chat and
  // reranking come back without a restart. The embedder stays as chosen at start-up: switching
  // it would need the books' vectors re-indexed.
  async function refreshGateway(): Promise<'ok' | 'unreachable' | null> {
    if (gatewayStatus === null || Date.now() - lastGatewayCheck < (options.gatewayRetryMs ?? 15_000))
      return gatewayStatus;
    lastGatewayCheck = Date.now();
    const latest = await fetchGatewayModels(config.gatewayURL, config.gatewayAPIKey, options.fetch);
    if (latest.status === 'ok' && gatewayStatus !== 'ok') {
      log(`the gateway at ${config.gatewayURL} answers again`);
      answerer = createLibraryAnswerer({ config, gateway: latest, retriever, database });
    }
    gatewayStatus = latest.status;
    return gatewayStatus;
  }
  const inProgress = new Map<string, 'pending' | 'ingesting'>();

  function chunkCounts(): Map<number, number> {
    const rows = database
      .getConnection()
      .prepare('SELECT source_id AS id, count(*) AS chunks FROM memory_chunks GROUP BY source_id')
      .all() as { id: number; chunks: number }[];
    return new Map(rows.map((row) => [row.id, row.chunks]));
  }

  function books(): Book[] {
    const counts = chunkCounts();
    const connection = database.getConnection();
    const ready: Book[] = listSources(connection).map((source) => ({
      id: source.id,
      title: source.title ?? source.uri,
      author: typeof source.metadata.author === 'string' ? source.metadata.author : null,
      language: source.language,
      path: source.uri,
      chunks: counts.get(source.id) ?? 0,
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
      state: entry.state,
      error: entry.error,
    }));
    return [...ready, ...others];
  }

  async function ingest(
    paths: readonly string[],
    ingestOptions: { onProgress?: (progress: IngestProgress) => void; signal?: AbortSignal } = {},
  ): Promise<IngestSummary> {
    const files = [
      ...new Set((await Promise.all(paths.map((path) => listBookFiles(resolve(path), loaders)))).flat()),
    ];
    const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
    const bytesTotal = sizes.reduce((sum, size) => sum + size, 0) || 1;
    for (const file of files) inProgress.set(file, 'pending');
    const started = performance.now();
    let bytesDone = 0;
    let filesDone = 0;
    let chunksDone = 0;
    const failed: { path: string; message: string }[] = [];
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
          failed.push({ path: file, message });
          recordFailure.run(file, message, Date.now());
          inProgress.delete(file);
        }
        bytesDone += sizes[index] ?? 0;
      }
    }

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
        failed.push({ path: failure.uri, message: failure.message });
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
        chunks: result.chunks,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
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
    await ingester.remove([book.path]);
    return book;
  }

  async function search(
    query: string,
    searchOptions: { k?: number; signal?: AbortSignal } = {},
  ): Promise<Passage[]> {
    const chunks = await retriever.retrieve({
      text: query,
      limit: searchOptions.k ?? 10,
      signal: searchOptions.signal,
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
    }));
  }

  function passage(
    bookId: number,
    start: number,
    end: number,
    contextCharacters = 600,
  ): PassageContext | null {
    const connection = database.getConnection();
    const text = getSourceText(connection, bookId);
    if (text === null || end > text.length || start > end) return null;
    const title =
      (listSources(connection).find((source) => source.id === bookId)?.title ?? null) || String(bookId);
    return {
      book: title,
      bookId,
      start,
      end,
      before: text.slice(Math.max(0, start - contextCharacters), start),
      text: text.slice(start, end),
      after: text.slice(end, end + contextCharacters),
    };
  }

  return {
    books,
    ingest,
    remove,
    search,
    async ask(question, askOptions) {
      await refreshGateway();
      return answerer.ask(question, askOptions);
    },
    gatewayStatus: refreshGateway,
    passage,
    async close() {
      await ingester.close();
      await retriever.close?.();
      database.close();
    },
  };
}
