import { pathToFileURL } from 'node:url';
import type { Embedder } from '../embedder/embedder.js';
import { MemoryError, type MemoryErrorCode, throwIfAborted } from '../errors/index.js';
import { startWorker } from '../workers/start-worker.js';
import type { FusionWeights } from './fusion-weights.js';
import { prepareSearch } from './hybrid-retriever.js';
import type { RetrievalQuery, RetrievedChunk, Retriever } from './retriever.js';
import type { SearchLists, SearchMode, SearchRequest } from './search.js';

export interface ReadOnlyConnectionFactory {
  /**
   * Module (path or file URL) exporting the factory. It runs inside each worker thread and returns a
   * better-sqlite3 `Database` opened read-only on the consumer's file, with sqlite-vec loaded.
   */
  module: string | URL;
  /** Export name (default 'openReadOnlyConnection'). */
  exportName?: string;
  /** A structured-cloneable argument passed to the factory (e.g. the database path). */
  argument?: unknown;
}

export interface WorkerRetrieverOptions {
  openReadOnlyConnection: ReadOnlyConnectionFactory;
  embedder?: Embedder | null;
  mode?: SearchMode;
  weights?: FusionWeights;
  probes?: number;
  candidates?: number;
  lexical?: SearchRequest['lexical'];
  /**
   * Worker threads (default 2): a hybrid query runs its BM25 and vector scans on two of them at
   * once; concurrent queries are spread over all of them.
   */
  threads?: number;
}

interface Pending {
  resolve: (chunks: RetrievedChunk[]) => void;
  reject: (error: unknown) => void;
}

function workerUrl(): URL {
  // Sources (tests, tsx) run the .ts worker through tsx; the build ships retrieval-worker.js.
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('./retrieval-worker.ts', here)
    : new URL('./retrieval-worker.js', here);
}

/**
 * The retriever for servers: the query is embedded on the calling thread (it may be an HTTP call),
 * and the FTS5 and sqlite-vec scans run in worker threads, each with its own read-only connection,
 * so a 1 M-chunk scan never stalls the event loop.
 */
export function createWorkerRetriever(
  options: WorkerRetrieverOptions,
): Retriever & { close(): Promise<void> } {
  const url = workerUrl();
  const moduleUrl =
    options.openReadOnlyConnection.module instanceof URL
      ? options.openReadOnlyConnection.module.href
      : options.openReadOnlyConnection.module.startsWith('file:')
        ? options.openReadOnlyConnection.module
        : pathToFileURL(options.openReadOnlyConnection.module).href;
  const threads = Math.max(1, options.threads ?? 2);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;
  const workers = Array.from({ length: threads }, () => {
    const workerData = {
      module: moduleUrl,
      exportName: options.openReadOnlyConnection.exportName ?? 'openReadOnlyConnection',
      argument: options.openReadOnlyConnection.argument ?? null,
    };
    const worker = startWorker(url, workerData);
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on(
        'message',
        (message: {
          ready?: boolean;
          id?: number;
          result?: RetrievedChunk[];
          error?: { message: string; code: string | null };
        }) => {
          if (message.ready) {
            resolve();
            return;
          }
          const entry = pending.get(message.id as number);
          if (!entry) return;
          pending.delete(message.id as number);
          if (message.error) {
            entry.reject(
              new MemoryError(
                (message.error.code as MemoryErrorCode | null) ?? 'worker_failed',
                message.error.message,
              ),
            );
          } else entry.resolve(message.result ?? []);
        },
      );
    });
    worker.on('error', (error) => {
      for (const [id, entry] of pending) {
        pending.delete(id);
        entry.reject(
          new MemoryError('worker_failed', `retrieval worker failed: ${error.message}`, { cause: error }),
        );
      }
    });
    // A worker that fails to start is reported by the query that needs it, not as an unhandled rejection.
    ready.catch(() => undefined);
    return { worker, ready, inflight: 0 };
  });

  /** Posts one message to the least busy worker and waits for its answer. */
  async function call(message: Record<string, unknown>): Promise<unknown> {
    const slot = workers.reduce((best, candidate) => (candidate.inflight < best.inflight ? candidate : best));
    // Counted before any await: the two scans of one hybrid query must land on two different threads.
    slot.inflight++;
    try {
      await slot.ready.catch((error: Error) => {
        throw new MemoryError('worker_failed', `retrieval worker did not start: ${error.message}`, {
          cause: error,
        });
      });
      const id = nextId++;
      return await new Promise<unknown>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: RetrievedChunk[]) => void, reject });
        slot.worker.postMessage({ id, ...message });
      });
    } finally {
      slot.inflight--;
    }
  }

  return {
    async retrieve(query: RetrievalQuery) {
      if (closed) throw new MemoryError('invalid_argument', 'the worker retriever is closed');
      const request = await prepareSearch({ ...options, database: null }, query);
      throwIfAborted(query.signal);
      const hybrid = request.mode === 'hybrid' && request.vector !== null;
      if (hybrid && workers.length >= 2) {
        // The BM25 and vector scans are independent: one thread each, then fuse and read the chunks.
        const [lexical, vector] = (await Promise.all([
          call({ request, phase: 'lists', phases: ['lexical'] }),
          call({ request, phase: 'lists', phases: ['vector'] }),
        ])) as [SearchLists, SearchLists];
        return (await call({
          request,
          phase: 'hydrate',
          lists: { lexical: lexical.lexical, vector: vector.vector },
        })) as RetrievedChunk[];
      }
      return (await call({ request, phase: 'all' })) as RetrievedChunk[];
    },
    async close() {
      closed = true;
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
      for (const [id, entry] of pending) {
        pending.delete(id);
        entry.reject(new MemoryError('aborted', 'the worker retriever was closed'));
      }
    },
  };
}
