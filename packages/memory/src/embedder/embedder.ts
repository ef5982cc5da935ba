/** Texts in, one vector per text out. `id` names the model (see CONTRACTS.md ids); two ids never mix. */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  /**
   * True when the model embeds a question and a passage differently (e5 wants "query: " and
   * "passage: " in front of them; some servers take an `input_type`): callers say which with
   * `EmbedOptions.purpose`, and caches key on it. Absent or false: the purpose changes nothing.
   */
  readonly asymmetric?: boolean;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
}

/** What the texts are: questions to search with, or passages (chunks, facts) to index. */
export type EmbedPurpose = 'query' | 'passage';

export interface EmbedOptions {
  signal?: AbortSignal;
  /**
   * Retrieval passes `query`, ingestion `passage`. An asymmetric embedder called without it embeds
   * the bare text (no prefix, no `input_type`): the server's or model's own default.
   */
  purpose?: EmbedPurpose;
}
