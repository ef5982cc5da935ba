import type { ScalarMetadataValue } from '../metadata/metadata-value.js';

/** Narrows a search to some sources: by id, by uri, or by equality on the source's metadata fields. */
export interface RetrievalFilter {
  sourceIds?: readonly number[];
  sourceUris?: readonly string[];
  metadata?: Readonly<Record<string, ScalarMetadataValue>>;
  /**
   * Every pair must hold: the source's field is a list that holds the value (a note's `tags`,
   * `links`), or a scalar equal to it; strings compare ignoring case.
   */
  metadataIncludes?: Readonly<Record<string, string>>;
}

export interface RetrievalQuery {
  text: string;
  /** How many chunks to return (default 10). */
  limit?: number;
  filter?: RetrievalFilter;
  /** Adds the chunks just before and after each hit (0 = none). */
  neighbours?: number;
  signal?: AbortSignal;
}

export interface RetrievedChunk {
  chunkId: number;
  sourceId: number;
  sourceUri: string;
  sourceTitle: string | null;
  ordinal: number;
  /** Offsets into the normalized source text: `sourceText.slice(start, end) === text`. */
  start: number;
  end: number;
  text: string;
  heading: string | null;
  /** Higher is better; comparable only within one result list. */
  score: number;
  /** 1-based rank in each retriever that found it (null when that retriever did not). */
  ranks: { lexical: number | null; vector: number | null };
  /** True for a chunk added by neighbour expansion rather than found by the query. */
  neighbour: boolean;
}

/** Query in, ranked chunks out. */
export interface Retriever {
  retrieve(query: RetrievalQuery): Promise<RetrievedChunk[]>;
}
