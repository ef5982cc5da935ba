import { resolve } from 'node:path';
import { MemoryError, throwIfAborted } from '../errors/index.js';
import { loadTransformers } from '../lazy/heavy-modules.js';
import type { Embedder } from './embedder.js';
import { applyPurposePrefix } from './purpose-encoding.js';

export interface TransformersEmbedderOptions {
  /** Local model folder (config.json, tokenizer.json, onnx/model.onnx). Nothing is downloaded. */
  modelPath: string;
  /** 'mean' (default) or 'cls' pooling. */
  pooling?: 'mean' | 'cls';
  normalize?: boolean;
  /** Texts per forward pass (default 16). */
  batchSize?: number;
  /** Prefixes that tell queries from passages (e5: "query: " / "passage: "); absent: symmetric. */
  prefixes?: { query: string; passage: string };
}

/**
 * In-process embeddings with transformers.js (ONNX Runtime, CPU), strictly offline: remote models
 * are disabled and the model is read from the given folder.
 */
export async function createTransformersEmbedder(options: TransformersEmbedderOptions): Promise<Embedder> {
  const { env, pipeline } = await loadTransformers();
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  const folder = resolve(options.modelPath);
  let extractor: Awaited<ReturnType<typeof pipeline<'feature-extraction'>>>;
  try {
    extractor = await pipeline('feature-extraction', folder, { dtype: 'fp32', device: 'cpu' });
  } catch (error) {
    throw new MemoryError(
      'model_invalid',
      `cannot load transformers.js model from ${folder}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const pooling = options.pooling ?? 'mean';
  const normalize = options.normalize ?? true;
  const batchSize = options.batchSize ?? 16;
  const run = async (texts: string[]) => {
    const output = await extractor(texts, { pooling, normalize });
    const [count, size] = output.dims as [number, number];
    const data = output.data as Float32Array;
    // A text of unknown tokens only pools to a zero vector, which normalizing turns into NaN: keep it
    // zero so the index never stores a non-finite value.
    return Array.from({ length: count }, (_, index) =>
      data.slice(index * size, (index + 1) * size).map((value) => (Number.isFinite(value) ? value : 0)),
    );
  };
  const [probe] = await run(['dimension probe']);
  const dimensions = (probe as Float32Array).length;
  return {
    id: `transformers:${options.modelPath}`,
    dimensions,
    asymmetric: options.prefixes !== undefined,
    async embed(texts, embedOptions) {
      const encoding = options.prefixes ? { kind: 'prefixes' as const, ...options.prefixes } : undefined;
      const prefixed = applyPurposePrefix(texts, encoding, embedOptions?.purpose);
      const vectors: Float32Array[] = [];
      for (let offset = 0; offset < prefixed.length; offset += batchSize) {
        throwIfAborted(embedOptions?.signal);
        vectors.push(...(await run(prefixed.slice(offset, offset + batchSize))));
      }
      return vectors;
    },
  };
}
