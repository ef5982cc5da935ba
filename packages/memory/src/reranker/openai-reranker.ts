import { MemoryError } from '../errors/index.js';
import { openAiUrl, postOpenAiJson } from '../openai/post-openai-json.js';
import type { Reranker, RerankResult } from './reranker.js';

export interface OpenAiRerankerOptions {
  /** Server base URL without `/v1` (the gateway, llama.cpp server, Infinity, TEI…). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

interface RerankResponse {
  results?: { index?: number; relevance_score?: number; score?: number }[];
}

/** `/v1/rerank` with the Jina/Cohere request shape: `{ model, query, documents, top_n }`. */
export function createOpenAiReranker(options: OpenAiRerankerOptions): Reranker {
  const url = openAiUrl(options.baseUrl, 'rerank');
  return {
    id: `openai:${options.model}`,
    async rerank(query, documents, rerankOptions) {
      if (documents.length === 0) return [];
      const response = await postOpenAiJson(
        options,
        url,
        { model: options.model, query, documents, top_n: documents.length },
        {
          signal: rerankOptions?.signal,
          timeoutMs: options.timeoutMs ?? 60_000,
          failure: 'reranker_failed',
          what: 'rerank request',
        },
      );
      const json = (await response.json().catch(() => null)) as RerankResponse | null;
      if (!Array.isArray(json?.results))
        throw new MemoryError('reranker_failed', `${url} returned no "results" array`);
      const results: RerankResult[] = [];
      for (const item of json.results) {
        const score = item.relevance_score ?? item.score;
        if (
          typeof item.index !== 'number' ||
          item.index < 0 ||
          item.index >= documents.length ||
          typeof score !== 'number'
        ) {
          throw new MemoryError('reranker_failed', `${url} returned a malformed result`);
        }
        results.push({ index: item.index, score });
      }
      return results.sort((left, right) => right.score - left.score);
    },
  };
}
