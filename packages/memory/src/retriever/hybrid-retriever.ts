import type { Embedder } from '../embedder/embedder.js';
import { MemoryError, throwIfAborted } from '../errors/index.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import type { FusionWeights } from './fusion-weights.js';
import type { RetrievalQuery, RetrievedChunk, Retriever } from './retriever.js';
import { runSearch, type SearchMode, type SearchRequest } from './search.js';

export interface HybridRetrieverOptions {
  database: MemoryDatabase;
  /** Null or absent: lexical only. */
  embedder?: Embedder | null;
  /** Retrieval mode (default 'hybrid' with an embedder, 'lexical' without). */
  mode?: SearchMode;
  /** Fusion weights; default: the calibration stored for this embedder, else conservative defaults. */
  weights?: FusionWeights;
  probes?: number;
  candidates?: number;
  lexical?: SearchRequest['lexical'];
}

/** Builds the plain-data request of a query (embedding it when needed). */
export async function prepareSearch(
  options: Omit<HybridRetrieverOptions, 'database'> & { database: MemoryDatabase | null },
  query: RetrievalQuery,
): Promise<SearchRequest> {
  if (typeof query.text !== 'string')
    throw new MemoryError('invalid_argument', 'query text must be a string');
  const embedder = options.embedder ?? null;
  const mode = options.mode ?? (embedder ? 'hybrid' : 'lexical');
  throwIfAborted(query.signal);
  let vector: Float32Array | null = null;
  if (mode !== 'lexical') {
    if (!embedder) throw new MemoryError('invalid_argument', `${mode} retrieval needs an embedder`);
    if (query.text.trim().length > 0) {
      [vector] = (await embedder.embed([query.text], { signal: query.signal, purpose: 'query' })) as [
        Float32Array,
      ];
    }
  }
  return {
    mode,
    text: query.text,
    vector,
    embedderId: embedder?.id ?? null,
    limit: query.limit ?? 10,
    filter: query.filter,
    neighbours: query.neighbours ?? 0,
    weights: options.weights,
    candidates: options.candidates,
    probes: options.probes,
    lexical: options.lexical,
  };
}

/**
 * Lexical (FTS5 BM25 + proximity), vector (sqlite-vec) or hybrid (weighted RRF) retrieval in the
 * calling thread. For large indexes in a server, prefer `createWorkerRetriever`, which keeps the
 * scans off the event loop.
 */
export function createHybridRetriever(options: HybridRetrieverOptions): Retriever {
  const { database } = options;
  return {
    async retrieve(query: RetrievalQuery): Promise<RetrievedChunk[]> {
      const request = await prepareSearch(options, query);
      throwIfAborted(query.signal);
      return runSearch(database.getConnection(), request);
    },
  };
}

export function createLexicalRetriever(
  options: Omit<HybridRetrieverOptions, 'embedder' | 'mode'>,
): Retriever {
  return createHybridRetriever({ ...options, embedder: null, mode: 'lexical' });
}

export function createVectorRetriever(
  options: Omit<HybridRetrieverOptions, 'mode'> & { embedder: Embedder },
): Retriever {
  return createHybridRetriever({ ...options, mode: 'vector' });
}
