export { foldCase } from './fold-case.js';
export {
  defaultFusionWeights,
  type FusionWeights,
  readCalibration,
  type StoredCalibration,
  writeCalibration,
} from './fusion-weights.js';
export {
  createHybridRetriever,
  createLexicalRetriever,
  createVectorRetriever,
  type HybridRetrieverOptions,
  prepareSearch,
} from './hybrid-retriever.js';
export { hydrateChunks } from './hydrate.js';
export {
  type AnalysedQuery,
  analyseQuery,
  type LexicalSearchOptions,
  lexicalSearch,
} from './lexical-search.js';
export type { RetrievalFilter, RetrievalQuery, RetrievedChunk, Retriever } from './retriever.js';
export { type FusedHit, type RankedList, reciprocalRankFusion } from './rrf.js';
export {
  fuseAndHydrate,
  type Hit,
  runSearch,
  type SearchLists,
  type SearchMode,
  type SearchPhase,
  type SearchRequest,
  searchLists,
} from './search.js';
export { resolveSourceFilter } from './source-filter.js';
export { type VectorSearchOptions, vectorSearch } from './vector-search.js';
export {
  createWorkerRetriever,
  type ReadOnlyConnectionFactory,
  type WorkerRetrieverOptions,
} from './worker-retriever.js';
