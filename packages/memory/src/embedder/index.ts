export {
  type CachedEmbedderOptions,
  type CacheStatistics,
  cacheKeyOf,
  createCachedEmbedder,
} from './cached-embedder.js';
export type { Embedder, EmbedOptions, EmbedPurpose } from './embedder.js';
export { createEmbedderFromId, type EmbedderFromIdOptions } from './embedder-from-id.js';
export { createModel2VecEmbedder, type Model2VecOptions } from './model2vec-embedder.js';
export { createOpenAiEmbedder, type OpenAiEmbedderOptions } from './openai-embedder.js';
export {
  applyPurposePrefix,
  e5Prefixes,
  type PurposeEncoding,
  parsePurposeEncoding,
} from './purpose-encoding.js';
export { createTransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder.js';
