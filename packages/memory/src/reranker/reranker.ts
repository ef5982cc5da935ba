export interface RerankResult {
  /** Index into the documents given to `rerank`. */
  index: number;
  score: number;
}

/** Query and candidate texts in, the candidates reordered by relevance (best first). */
export interface Reranker {
  readonly id: string;
  rerank(
    query: string,
    documents: readonly string[],
    options?: { signal?: AbortSignal },
  ): Promise<RerankResult[]>;
}
