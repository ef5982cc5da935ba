import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Language } from '../analysis/analyser.js';
import type { Chunk, Chunker } from '../chunker/chunker.js';
import { createStructuralChunker, type StructuralChunkerOptions } from '../chunker/structural-chunker.js';
import type { Embedder } from '../embedder/embedder.js';
import { MemoryError, type MemoryErrorCode, throwIfAborted } from '../errors/index.js';
import { findBinaryContent } from '../loaders/binary-content.js';
import type { DocumentLoader } from '../loaders/document-loader.js';
import { createDefaultLoaders, findLoader, loadDocumentFile } from '../loaders/load-document.js';
import { metadataForStoredText } from '../loaders/page-starts.js';
import type { SourceMetadata } from '../metadata/metadata-value.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import {
  type AnalysedChunk,
  deleteSource,
  getSourceByUri,
  insertSource,
  listSources,
} from '../store/sources.js';
import { ensureVectorIndex, insertVectors, readCentroids } from '../store/vector-index.js';
import { createPreparationPool, type PreparationPool } from './preparation-pool.js';
import {
  type NormalizedSource,
  normalizeSource,
  type PreparedDocument,
  prepareDocument,
} from './prepare-document.js';

export interface SourceDocument {
  /** Stable identity of the source (a path, a URL, an id): the same uri is the same source. */
  uri: string;
  /** Raw text; it is normalized before hashing, chunking and storing. */
  text: string;
  title?: string | null;
  format?: string;
  metadata?: SourceMetadata;
  /** Skip normalization's Gutenberg stripping (default: strip). */
  stripGutenberg?: boolean;
  /**
   * Chunks this document instead of the ingester's chunker (code by functions and classes). Such a
   * document is prepared in the calling thread even when preparation threads run: a chunker holds
   * state (a parser) that cannot cross threads.
   */
  chunker?: Chunker;
}

export interface IngestProgress {
  /** Sources handled so far (written, skipped or failed). */
  done: number;
  total: number;
  /** Chunks written per second since the run started. */
  rate: number;
  chunks: number;
  uri: string;
}

/** A source that could not be ingested; the others go on. */
export interface IngestFailure {
  uri: string;
  /**
   * What went wrong: a `MemoryError` code such as `binary_content` (the file is not text: random
   * bytes, an executable renamed `.txt`), `unsupported_format` or `load_failed` (any other error).
   */
  code: MemoryErrorCode;
  /** Names the file and the reason. */
  message: string;
}

/** A source left out on purpose, with a note that says why. */
export interface IngestSkip {
  uri: string;
  /** `empty_content`: the file is empty or only whitespace, so there is nothing to search. */
  code: 'empty_content';
  message: string;
}

export interface IngestReport {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: IngestFailure[];
  /** Sources not ingested because they hold no text; a version stored earlier is kept. */
  skipped: IngestSkip[];
  chunks: number;
  seconds: number;
}

export interface IngesterOptions {
  database: MemoryDatabase;
  /** Null or absent: lexical search only. */
  embedder?: Embedder | null;
  chunker?: Chunker;
  /** Options of the default structural chunker (used when no `chunker` is given). */
  chunkerOptions?: StructuralChunkerOptions;
  /**
   * Worker threads that chunk and analyse documents while this thread embeds and writes (default 0:
   * all in the calling thread). Needs the default chunker: with a custom `chunker` it is an error.
   */
  preparationThreads?: number;
  loaders?: readonly DocumentLoader[];
  /** Texts per embedding call (default 64). */
  batchSize?: number;
  /** Chunks gathered before they are embedded and written in one transaction (default 512). */
  groupChunks?: number;
  clock?: () => number;
}

export interface IngestOptions {
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
}

interface Prepared {
  document: SourceDocument;
  text: string;
  hash: string;
  language: Language | null;
  chunks: Chunk[];
  analysed: AnalysedChunk[];
  replaces: number | null;
}

export interface Ingester {
  /** Adds new sources, replaces changed ones, skips unchanged ones (by content hash). */
  ingest(
    documents: Iterable<SourceDocument> | AsyncIterable<SourceDocument>,
    options?: IngestOptions & { total?: number },
  ): Promise<IngestReport>;
  /** Loads files (any format a loader reads) and ingests them with their absolute path as uri. */
  ingestFiles(paths: readonly string[], options?: IngestOptions): Promise<IngestReport>;
  /**
   * Makes the database match a folder: files are ingested as above, and sources whose uri lies in
   * the folder but whose file is gone are deleted with their chunks, vectors and cache entries.
   */
  syncFolder(folder: string, options?: IngestOptions): Promise<IngestReport>;
  /** Deletes sources by uri; returns how many existed. */
  remove(uris: readonly string[]): Promise<number>;
  /** Stops the preparation threads, if any (they never keep the process alive on their own). */
  close(): Promise<void>;
}

function emptyReport(): IngestReport {
  return { added: 0, updated: 0, unchanged: 0, removed: 0, failed: [], skipped: [], chunks: 0, seconds: 0 };
}

// Text these formats' loaders extracted from a binary container is whatever the document holds: the
// binary-content check is for text that was read as text.
const containerFormats = new Set(['pdf', 'docx', 'epub']);

/** Why a document is not ingested at all, before any work is spent on it; null when it is. */
function refusal(document: SourceDocument): { failure: IngestFailure } | { skip: IngestSkip } | null {
  if (document.text.trim().length === 0) {
    return {
      skip: {
        uri: document.uri,
        code: 'empty_content',
        message: `${document.uri} is empty: nothing to search, skipped`,
      },
    };
  }
  const binary = containerFormats.has(document.format ?? '') ? null : findBinaryContent(document.text);
  if (binary) {
    return {
      failure: {
        uri: document.uri,
        code: 'binary_content',
        message: `${document.uri} is not text (${binary}): not ingested`,
      },
    };
  }
  return null;
}

export function createIngester(options: IngesterOptions): Ingester {
  const { database } = options;
  const embedder = options.embedder ?? null;
  const chunker = options.chunker ?? createStructuralChunker(options.chunkerOptions);
  const preparationThreads = Math.max(0, Math.floor(options.preparationThreads ?? 0));
  if (options.chunker && preparationThreads > 0) {
    // Ignoring the threads silently once made a benchmark measure the wrong configuration.
    throw new MemoryError(
      'invalid_argument',
      'preparationThreads needs the default chunker (pass chunkerOptions): a custom chunker cannot cross threads',
    );
  }
  let pool: PreparationPool | null = null;
  const preparationPool = () => {
    if (preparationThreads > 0 && !pool)
      pool = createPreparationPool(preparationThreads, options.chunkerOptions ?? {});
    return pool;
  };
  const loaders = options.loaders ?? createDefaultLoaders();
  const batchSize = options.batchSize ?? 64;
  const groupChunks = options.groupChunks ?? 512;
  const clock = options.clock ?? (() => performance.now() / 1000);

  async function embedAll(texts: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    if (!embedder) return [];
    const vectors: Float32Array[] = [];
    for (let offset = 0; offset < texts.length; offset += batchSize) {
      throwIfAborted(signal);
      const batch = texts.slice(offset, offset + batchSize);
      const embedded = await embedder.embed(batch, { signal, purpose: 'passage' });
      if (embedded.length !== batch.length) {
        throw new MemoryError(
          'embedder_failed',
          `${embedder.id} returned ${embedded.length} vectors for ${batch.length} texts`,
        );
      }
      vectors.push(...embedded);
    }
    return vectors;
  }

  /** Embeds then writes a group of prepared sources in one transaction: all of them or none. */
  async function writeGroup(
    group: Prepared[],
    report: IngestReport,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const texts = group.flatMap((prepared) => prepared.chunks.map((chunk) => chunk.text));
    const vectors = await embedAll(texts, signal);
    throwIfAborted(signal);
    await database.writeLock.runExclusive(() => {
      const connection = database.getConnection();
      // BEGIN IMMEDIATE: this transaction reads (the index, the stored versions) before it writes.
      // Begun deferred, it would hold a read snapshot, and in WAL mode the upgrade to a write fails
      // at once with "database is locked" when another process wrote meanwhile, whatever
      // busy_timeout says. Taking the write lock first waits for the other writer instead.
      connection
        .transaction(() => {
          const index = embedder ? ensureVectorIndex(connection, embedder.id, embedder.dimensions) : null;
          const centroids = index ? readCentroids(connection, index) : [];
          let vectorOffset = 0;
          for (const prepared of group) {
            // Re-check inside the transaction: another writer may have stored this version meanwhile.
            const current = getSourceByUri(connection, prepared.document.uri);
            if (current?.contentHash === prepared.hash) {
              vectorOffset += prepared.chunks.length;
              report.unchanged++;
              continue;
            }
            if (current) deleteSource(connection, current.id);
            const { sourceId, chunks } = insertSource(
              connection,
              {
                uri: prepared.document.uri,
                title: prepared.document.title ?? null,
                format: prepared.document.format ?? 'txt',
                language: prepared.language,
                text: prepared.text,
                contentHash: prepared.hash,
                // Page starts refer to the loaded text: moved onto the stored one.
                metadata: metadataForStoredText(
                  prepared.document.metadata ?? {},
                  prepared.document.text,
                  prepared.text,
                ),
              },
              prepared.chunks,
              prepared.analysed,
            );
            if (index) {
              insertVectors(
                connection,
                index,
                chunks.map((chunk, position) => ({
                  chunkId: chunk.id,
                  sourceId,
                  vector: vectors[vectorOffset + position] as Float32Array,
                })),
                centroids,
              );
            }
            vectorOffset += prepared.chunks.length;
            report.chunks += chunks.length;
            if (current) report.updated++;
            else report.added++;
          }
        })
        .immediate();
    });
  }

  async function ingest(
    documents: Iterable<SourceDocument> | AsyncIterable<SourceDocument>,
    ingestOptions: IngestOptions & { total?: number } = {},
  ): Promise<IngestReport> {
    const { signal, onProgress } = ingestOptions;
    const started = clock();
    const report = emptyReport();
    const total = ingestOptions.total ?? (Array.isArray(documents) ? documents.length : 0);
    let done = 0;
    let group: Prepared[] = [];
    let groupSize = 0;
    const progress = (uri: string) => {
      const elapsed = clock() - started;
      onProgress?.({
        done,
        total: Math.max(total, done),
        rate: elapsed > 0 ? report.chunks / elapsed : 0,
        chunks: report.chunks,
        uri,
      });
    };
    const flush = async () => {
      if (group.length === 0) return;
      const flushing = group;
      group = [];
      groupSize = 0;
      await writeGroup(flushing, report, signal);
      done += flushing.length;
      progress(flushing.at(-1)?.document.uri ?? '');
    };
    const connection = database.getConnection();
    const pool = preparationPool();
    // Documents being prepared (in worker threads when there are some), consumed in order.
    const queue: {
      document: SourceDocument;
      replaces: number | null;
      preparation: Promise<NormalizedSource & { prepared: PreparedDocument }>;
    }[] = [];
    const consume = async () => {
      const entry = queue.shift();
      if (!entry) return;
      queuedCharacters -= entry.document.text.length;
      const { text, hash, prepared } = await entry.preparation;
      if (prepared.chunks.length === 0) {
        // Text that normalizes to nothing (e.g. only a licence block that is stripped) is no book.
        report.skipped.push({
          uri: entry.document.uri,
          code: 'empty_content',
          message: `${entry.document.uri} holds no text once normalized: nothing to search, skipped`,
        });
        done++;
        progress(entry.document.uri);
        return;
      }
      group.push({
        document: entry.document,
        text,
        hash,
        language: prepared.language,
        chunks: prepared.chunks,
        analysed: prepared.analysed,
        replaces: entry.replaces,
      });
      groupSize += prepared.chunks.length;
      if (groupSize >= groupChunks) await flush();
    };
    // With preparation threads, enough text is queued to cover a whole write group and the next: the
    // threads keep chunking while this one embeds and writes, instead of waiting for it in turn
    // (a queue of four documents left both sides idle half the time). The bound is in characters,
    // about four per token, so memory stays bounded whatever the documents' sizes.
    const maxTokens = options.chunkerOptions?.maxTokens ?? 300;
    const queuedCharactersLimit = pool ? 2 * groupChunks * maxTokens * 4 : 0;
    let queuedCharacters = 0;
    for await (const document of documents) {
      throwIfAborted(signal);
      const refused = refusal(document);
      if (refused) {
        if ('skip' in refused) report.skipped.push(refused.skip);
        else report.failed.push(refused.failure);
        done++;
        progress(document.uri);
        continue;
      }
      const existing = getSourceByUri(connection, document.uri);
      const title = document.title ?? null;
      // A known source is hashed here, so an unchanged one is skipped before any preparation; a new
      // one is normalized and hashed in a preparation thread when there is one.
      // A document with its own chunker is prepared here: a chunker (a parser) cannot cross threads.
      const threads = document.chunker ? null : pool;
      const normalized = existing || !threads ? normalizeSource(document) : null;
      const queued = (entry: { document: SourceDocument }) => entry.document.uri === document.uri;
      const unchanged = existing !== null && existing.contentHash === normalized?.hash;
      if (unchanged && !group.some(queued) && !queue.some(queued)) {
        report.unchanged++;
        done++;
        progress(document.uri);
        continue;
      }
      // Chunking and analysis happen here, outside the write lock: the transaction only writes.
      const preparation = threads
        ? threads.prepare(
            { text: document.text, title, stripGutenberg: document.stripGutenberg ?? true },
            normalized,
          )
        : Promise.resolve(normalized as NormalizedSource).then((source) => ({
            ...source,
            prepared: prepareDocument(source.text, title, document.chunker ?? chunker),
          }));
      // Rejections surface when the entry is consumed; until then they are not "unhandled".
      preparation.catch(() => undefined);
      queue.push({ document, replaces: existing?.id ?? null, preparation });
      queuedCharacters += document.text.length;
      // At least one document per thread stays queued, however long it is.
      while (queue.length > preparationThreads && queuedCharacters > queuedCharactersLimit) await consume();
    }
    while (queue.length > 0) await consume();
    await flush();
    report.seconds = clock() - started;
    return report;
  }

  /** Loads files; one that cannot be read is added to `failed` and skipped. */
  async function loadAll(paths: readonly string[], failed: IngestReport['failed']) {
    const documents: SourceDocument[] = [];
    for (const path of paths) {
      const absolute = resolve(path);
      try {
        const loaded = await loadDocumentFile(absolute, loaders);
        documents.push({
          uri: absolute,
          text: loaded.text,
          title: loaded.title,
          format: loaded.format,
          metadata: loaded.metadata,
        });
      } catch (error) {
        // A bad file is reported and skipped; it never stops the others nor loses stored data.
        failed.push({
          uri: absolute,
          code: MemoryError.isInstance(error) ? error.code : 'load_failed',
          message: (error as Error).message,
        });
      }
    }
    return documents;
  }

  async function listFiles(folder: string): Promise<string[]> {
    const files: string[] = [];
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) files.push(...(await listFiles(path)));
      else if (entry.isFile() && findLoader(loaders, entry.name)) files.push(path);
    }
    return files.sort();
  }

  async function remove(uris: readonly string[]): Promise<number> {
    return database.writeLock.runExclusive(() => {
      const connection = database.getConnection();
      let removed = 0;
      connection
        .transaction(() => {
          for (const uri of uris) {
            const source = getSourceByUri(connection, uri);
            if (source) {
              deleteSource(connection, source.id);
              removed++;
            }
          }
        })
        .immediate();
      return removed;
    });
  }

  return {
    ingest,
    async ingestFiles(paths, ingestOptions = {}) {
      const failed: IngestReport['failed'] = [];
      const documents = await loadAll(paths, failed);
      const report = await ingest(documents, ingestOptions);
      report.failed.push(...failed);
      return report;
    },
    async syncFolder(folder, ingestOptions = {}) {
      const root = resolve(folder);
      if (!(await stat(root).catch(() => null))?.isDirectory()) {
        throw new MemoryError('invalid_argument', `not a folder: ${root}`);
      }
      const paths = await listFiles(root);
      const failed: IngestReport['failed'] = [];
      const documents = await loadAll(paths, failed);
      const report = await ingest(documents, ingestOptions);
      report.failed.push(...failed);
      const present = new Set(paths);
      // A file that failed to load is still present: its stored version is kept, not deleted.
      const prefix = root.endsWith('/') ? root : `${root}/`;
      const gone = listSources(database.getConnection())
        .map((source) => source.uri)
        .filter((uri) => uri.startsWith(prefix) && !present.has(uri));
      report.removed = await remove(gone);
      return report;
    },
    remove,
    async close() {
      const running = pool as PreparationPool | null;
      pool = null;
      await running?.close();
    },
  };
}
