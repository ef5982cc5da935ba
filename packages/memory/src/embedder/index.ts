export { type CachedEmbedderOptions, type CacheStatistics, createCachedEmbedder } from './cached-embedder.js';
export type { Embedder, EmbedOptions } from './embedder.js';
export { createEmbedderFromId, type EmbedderFromIdOptions } from './embedder-from-id.js';
export { createModel2VecEmbedder, type Model2VecOptions } from './model2vec-embedder.js';
export { createOpenAiEmbedder, type OpenAiEmbedderOptions } from './openai-embedder.js';
export { createTransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder.js';
