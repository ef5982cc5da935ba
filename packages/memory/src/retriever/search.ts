import type { Database } from 'better-sqlite3';
import { MemoryError } from '../errors/index.js';
import { findVectorIndex } from '../store/vector-index.js';
import { defaultFusionWeights, type FusionWeights, readCalibration } from './fusion-weights.js';
import { hydrateChunks, type ScoredId } from './hydrate.js';
import { type LexicalSearchOptions, lexicalSearch } from './lexical-search.js';
import type { RetrievalFilter, RetrievedChunk } from './retriever.js';
import { reciprocalRankFusion } from './rrf.js';
import { resolveSourceFilter } from './source-filter.js';
import { vectorSearch } from './vector-search.js';

export type SearchMode = 'hybrid' | 'lexical' | 'vector';

/** Everything one search needs, as plain data: it can be posted to a worker thread. */
export interface SearchRequest {
  mode: SearchMode;
  text: string;
  /** The query's embedding (null: lexical only). */
  vector: Float32Array | null;
  embedderId: string | null;
  limit: number;
  filter?: RetrievalFilter;
  neighbours: number;
  /** Fusion weights; absent: the calibration stored for the embedder, else the defaults. */
  weights?: FusionWeights;
  /** Depth of each list before fusion (default max(limit, 50)). */
  candidates?: number;
  probes?: number;
  exact?: boolean;
  lexical?: Pick<
    LexicalSearchOptions,
    | 'maxDocumentFraction'
    | 'frequentTermFloor'
    | 'proximity'
    | 'rescoreDepth'
    | 'matchedPostings'
    | 'truncatedMatchWeight'
    | 'exactFormWeight'
    | 'phraseWeight'
    | 'proximityWeight'
    | 'fuzzy'
  >;
}

export interface Hit {
  chunkId: number;
  score: number;
}

export interface SearchLists {
  lexical: Hit[];
  vector: Hit[];
}

export type SearchPhase = 'lexical' | 'vector';

function plan(request: SearchRequest) {
  const limit = Math.max(1, Math.floor(request.limit));
  if (request.mode === 'vector' && request.vector === null) {
    throw new MemoryError('invalid_argument', 'a vector search needs an embedder');
  }
  return {
    limit,
    depth: Math.max(limit, request.candidates ?? 50),
    useLexical: request.mode !== 'vector',
    useVector: request.mode !== 'lexical' && request.vector !== null,
  };
}

/**
 * The scans of a search: the BM25 list, the vector list, or both. They are independent, so the
 * worker retriever runs them on two threads at once.
 */
export function searchLists(
  connection: Database,
  request: SearchRequest,
  phases: readonly SearchPhase[] = ['lexical', 'vector'],
): SearchLists {
  const { depth, useLexical, useVector } = plan(request);
  const sourceIds = resolveSourceFilter(connection, request.filter);
  const lexical =
    useLexical && phases.includes('lexical')
      ? lexicalSearch(connection, request.text, { ...request.lexical, limit: depth, sourceIds })
      : [];
  let vector: Hit[] = [];
  if (useVector && phases.includes('vector') && request.vector && request.embedderId) {
    const index = findVectorIndex(connection, request.embedderId, request.vector.length, ['active']);
    if (index) {
      vector = vectorSearch(connection, index, request.vector, {
        limit: depth,
        sourceIds,
        probes: request.probes,
        exact: request.exact,
      });
    }
  }
  return { lexical, vector };
}

/** Fuses the lists (weighted RRF when both are used) and reads the chunks with their sources. */
export function fuseAndHydrate(
  connection: Database,
  request: SearchRequest,
  lists: SearchLists,
): RetrievedChunk[] {
  const { limit, useLexical, useVector } = plan(request);
  const { lexical, vector } = lists;
  let scored: ScoredId[];
  if (useLexical && useVector) {
    const stored =
      request.weights ??
      (request.vector && request.embedderId
        ? readCalibration(connection, request.embedderId, request.vector.length)
        : null);
    const weights = stored ? { lexical: stored.lexical, vector: stored.vector } : defaultFusionWeights;
    scored = reciprocalRankFusion([
      { ids: lexical.map((hit) => hit.chunkId), weight: weights.lexical },
      { ids: vector.map((hit) => hit.chunkId), weight: weights.vector },
    ]).map((hit) => ({
      chunkId: hit.chunkId,
      score: hit.score,
      ranks: { lexical: hit.ranks[0] ?? null, vector: hit.ranks[1] ?? null },
    }));
  } else if (useLexical) {
    scored = lexical.map((hit, index) => ({
      chunkId: hit.chunkId,
      score: hit.score,
      ranks: { lexical: index + 1, vector: null },
    }));
  } else {
    scored = vector.map((hit, index) => ({
      chunkId: hit.chunkId,
      score: hit.score,
      ranks: { lexical: null, vector: index + 1 },
    }));
  }
  return hydrateChunks(connection, scored.slice(0, limit), request.neighbours);
}

/** Runs one search synchronously on a connection: lexical, vector, or their weighted RRF. */
export function runSearch(connection: Database, request: SearchRequest): RetrievedChunk[] {
  return fuseAndHydrate(connection, request, searchLists(connection, request));
}
