import { MemoryError, type Retriever } from '@klody/memory';

export interface LibraryRetrieverOptions {
  /** BM25 only: needs no model, so it always answers (made on first use). */
  lexical: () => Retriever;
  /** The hybrid retriever over the current embedder, when there is one and it may be used now. */
  hybrid: () => Retriever | null;
  /** The query's embedding failed (the gateway went away, a bad answer, a time limit). */
  onEmbedderFailure: (error: MemoryError) => void;
}

/**
 * Hybrid retrieval while the embedder answers, lexical retrieval otherwise: a query whose embedding
 * fails is searched lexically instead of failing, and the failure is reported so that the next
 * queries do not wait on the embedder again until the gateway is checked.
 */
export function createLibraryRetriever(options: LibraryRetrieverOptions): Retriever {
  return {
    async retrieve(query) {
      const hybrid = options.hybrid();
      if (hybrid) {
        try {
          return await hybrid.retrieve(query);
        } catch (error) {
          if (!MemoryError.isInstance(error) || error.code !== 'embedder_failed' || query.signal?.aborted)
            throw error;
          options.onEmbedderFailure(error);
        }
      }
      return options.lexical().retrieve(query);
    },
  };
}
