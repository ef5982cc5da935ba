import type { Reranker } from '../reranker/reranker.js';

/** A fake reranker: scores by how many query words a document contains, optionally slowly. */
export function createFakeReranker(options: { delayMs?: number } = {}): Reranker & { calls: number } {
  const state = { calls: 0 };
  return {
    id: 'fake:reranker',
    get calls() {
      return state.calls;
    },
    async rerank(query, documents, rerankOptions) {
      state.calls++;
      if (options.delayMs) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, options.delayMs);
          rerankOptions?.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(rerankOptions.signal?.reason);
          });
        });
      }
      const words = new Set(query.toLowerCase().match(/\p{L}+/gu) ?? []);
      return documents
        .map((document, index) => ({
          index,
          score: (document.toLowerCase().match(/\p{L}+/gu) ?? []).filter((word) => words.has(word)).length,
        }))
        .sort((left, right) => right.score - left.score);
    },
  };
}
