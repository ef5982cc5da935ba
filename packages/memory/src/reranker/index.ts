export { createOpenAiReranker, type OpenAiRerankerOptions } from './openai-reranker.js';
export { type RerankOutcome, rerankWithinBudget } from './rerank-within-budget.js';
export type { Reranker, RerankResult } from './reranker.js';
export { createTransformersReranker, type TransformersRerankerOptions } from './transformers-reranker.js';
