import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MemoryError, throwIfAborted } from '../errors/index.js';
import { loadTransformers } from '../lazy/heavy-modules.js';
import type { Embedder } from './embedder.js';
import { readSafetensors } from './safetensors.js';

export interface Model2VecOptions {
  /** Folder with model.safetensors, tokenizer.json and config.json. */
  modelPath: string;
  /** Tokens per text kept (default 512, model2vec's own default). */
  maxTokens?: number;
}

/**
 * model2vec static embeddings: a text's vector is the (weighted) mean of its tokens' rows, L2
 * normalized. Supports plain and vocabulary-quantised models (`embeddings` + `mapping` + `weights`).
 * The tokenizer is the model's own tokenizer.json run by transformers.js, offline.
 */
export async function createModel2VecEmbedder(options: Model2VecOptions): Promise<Embedder> {
  const folder = resolve(options.modelPath);
  let tokenizerJson: { model?: { unk_id?: number; vocab?: unknown } };
  let config: { normalize?: boolean };
  let tensors: ReturnType<typeof readSafetensors>;
  try {
    tokenizerJson = JSON.parse(await readFile(join(folder, 'tokenizer.json'), 'utf8'));
    config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8').catch(() => '{}'));
    tensors = readSafetensors(await readFile(join(folder, 'model.safetensors')));
  } catch (error) {
    if (error instanceof Error && 'code' in error && MemoryError.isInstance(error)) throw error;
    throw new MemoryError(
      'model_invalid',
      `cannot load model2vec model from ${folder}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const embeddings = tensors.get('embeddings') ?? tensors.get('embedding.weight');
  if (embeddings?.shape.length !== 2) {
    throw new MemoryError('model_invalid', `${folder}/model.safetensors has no 2-d "embeddings" tensor`);
  }
  const [rows, dimensions] = embeddings.shape as [number, number];
  const table = Float32Array.from(embeddings.data as Float32Array);
  const mapping = tensors.get('mapping')?.data as Int32Array | undefined;
  const weightsTensor = tensors.get('weights')?.data;
  const weights = weightsTensor ? Float64Array.from(weightsTensor as Float64Array) : undefined;
  const { PreTrainedTokenizer } = await loadTransformers();
  const tokenizer = new PreTrainedTokenizer(tokenizerJson as object, {});
  const unknownId = tokenizerJson.model?.unk_id ?? -1;
  const maxTokens = options.maxTokens ?? 512;
  const normalize = config.normalize ?? true;

  function embedOne(text: string): Float32Array {
    const ids = (tokenizer.encode(text, { add_special_tokens: false }) as number[])
      .filter((id) => id !== unknownId)
      .slice(0, maxTokens);
    const vector = new Float32Array(dimensions);
    let count = 0;
    for (const id of ids) {
      const row = mapping ? (mapping[id] as number) : id;
      if (row === undefined || row < 0 || row >= rows) continue;
      const weight = weights ? (weights[id] as number) : 1;
      const offset = row * dimensions;
      for (let index = 0; index < dimensions; index++) {
        vector[index] = (vector[index] as number) + weight * (table[offset + index] as number);
      }
      count++;
    }
    if (count > 0)
      for (let index = 0; index < dimensions; index++) vector[index] = (vector[index] as number) / count;
    if (normalize) {
      let norm = 0;
      for (const value of vector) norm += value * value;
      norm = Math.sqrt(norm);
      if (norm > 0)
        for (let index = 0; index < dimensions; index++) vector[index] = (vector[index] as number) / norm;
    }
    return vector;
  }

  return {
    id: `model2vec:${options.modelPath}`,
    dimensions,
    async embed(texts, embedOptions) {
      const vectors: Float32Array[] = [];
      for (const text of texts) {
        throwIfAborted(embedOptions?.signal);
        vectors.push(embedOne(text));
      }
      return vectors;
    },
  };
}
