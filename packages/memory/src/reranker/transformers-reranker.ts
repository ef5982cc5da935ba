import { resolve } from 'node:path';
import { MemoryError, throwIfAborted } from '../errors/index.js';
import { loadTransformers } from '../lazy/heavy-modules.js';
import type { Reranker } from './reranker.js';

export interface TransformersRerankerOptions {
  /** Local cross-encoder folder (config.json, tokenizer.json, onnx/model.onnx). Nothing is downloaded. */
  modelPath: string;
  /** Pairs per forward pass (default 16). */
  batchSize?: number;
}

/** An in-process cross-encoder: each (query, document) pair is scored by the model's first logit. */
export async function createTransformersReranker(options: TransformersRerankerOptions): Promise<Reranker> {
  const { AutoModelForSequenceClassification, AutoTokenizer, env } = await loadTransformers();
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  const folder = resolve(options.modelPath);
  let tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  let model: Awaited<ReturnType<typeof AutoModelForSequenceClassification.from_pretrained>>;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(folder);
    model = await AutoModelForSequenceClassification.from_pretrained(folder, {
      dtype: 'fp32',
      device: 'cpu',
    });
  } catch (error) {
    throw new MemoryError(
      'model_invalid',
      `cannot load cross-encoder from ${folder}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const batchSize = options.batchSize ?? 16;
  return {
    id: `transformers:${options.modelPath}`,
    async rerank(query, documents, rerankOptions) {
      const scores: number[] = [];
      for (let offset = 0; offset < documents.length; offset += batchSize) {
        throwIfAborted(rerankOptions?.signal);
        const batch = documents.slice(offset, offset + batchSize);
        const inputs = tokenizer(
          batch.map(() => query),
          { text_pair: [...batch], padding: true, truncation: true },
        );
        const output = (await model(inputs)) as { logits: { dims: number[]; data: Float32Array } };
        const labels = output.logits.dims[1] ?? 1;
        for (let index = 0; index < batch.length; index++)
          scores.push(output.logits.data[index * labels] as number);
      }
      return scores.map((score, index) => ({ index, score })).sort((left, right) => right.score - left.score);
    },
  };
}
