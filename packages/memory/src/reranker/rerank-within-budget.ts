import type { RetrievedChunk } from '../retriever/retriever.js';
import type { Reranker } from './reranker.js';

export interface RerankOutcome {
  chunks: RetrievedChunk[];
  /** Null when reranked; otherwise why the fused order was kept. */
  skipped: null | 'no_reranker' | 'timeout' | 'error';
  milliseconds: number;
}

/**
 * Reranks within a time budget. Past the budget (or on any reranker failure) the request is
 * aborted and the fused order is kept: a slow reranker never makes an answer slower than the budget.
 */
export async function rerankWithinBudget(
  reranker: Reranker | null | undefined,
  query: string,
  chunks: readonly RetrievedChunk[],
  options: { budgetMs: number; signal?: AbortSignal; clock?: () => number },
): Promise<RerankOutcome> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  if (!reranker || chunks.length < 2) {
    return { chunks: [...chunks], skipped: reranker ? null : 'no_reranker', milliseconds: 0 };
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.budgetMs);
  });
  try {
    const outcome = await Promise.race([
      reranker.rerank(
        query,
        chunks.map((chunk) => chunk.text),
        { signal: controller.signal },
      ),
      deadline,
    ]);
    if (outcome === 'timeout') {
      controller.abort(new Error('rerank budget exceeded'));
      return { chunks: [...chunks], skipped: 'timeout', milliseconds: clock() - started };
    }
    const seen = new Set<number>();
    const reordered: RetrievedChunk[] = [];
    for (const { index, score } of outcome) {
      const chunk = chunks[index];
      if (!chunk || seen.has(index)) continue;
      seen.add(index);
      reordered.push({ ...chunk, score });
    }
    // Anything the reranker left out keeps its place after the reranked ones.
    chunks.forEach((chunk, index) => {
      if (!seen.has(index)) reordered.push(chunk);
    });
    return { chunks: reordered, skipped: null, milliseconds: clock() - started };
  } catch {
    if (options.signal?.aborted) throw options.signal.reason;
    return { chunks: [...chunks], skipped: 'error', milliseconds: clock() - started };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
