/** Texts in, one vector per text out. `id` names the model (see CONTRACTS.md ids); two ids never mix. */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
}

export interface EmbedOptions {
  signal?: AbortSignal;
}
