import type { Embedder } from '../embedder/embedder.js';
import { MemoryError } from '../errors/index.js';

export interface EmbedderComparison {
  /** Mean and minimum cosine between the two embedders' vectors of the same texts; null when the dimensions differ. */
  mean: number | null;
  minimum: number | null;
  texts: number;
  comparable: boolean;
}

export function cosine(left: Float32Array, right: Float32Array): number {
  let product = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    const a = left[index] as number;
    const b = right[index] as number;
    product += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  const norm = Math.sqrt(leftNorm) * Math.sqrt(rightNorm);
  return norm === 0 ? 0 : product / norm;
}

/**
 * Embeds the same sample with two embedders and compares the vectors. A minimum near 1 means the
 * switch changes nothing (the same weights under another name or server) and the index can be kept.
 */
export async function compareEmbedders(
  left: Embedder,
  right: Embedder,
  sampleTexts: readonly string[],
  options: { signal?: AbortSignal } = {},
): Promise<EmbedderComparison> {
  if (sampleTexts.length === 0)
    throw new MemoryError('invalid_argument', 'compareEmbedders needs sample texts');
  if (left.dimensions !== right.dimensions) {
    return { mean: null, minimum: null, texts: sampleTexts.length, comparable: false };
  }
  const [leftVectors, rightVectors] = await Promise.all([
    // The samples are the index's chunks: passages.
    left.embed(sampleTexts, { ...options, purpose: 'passage' }),
    right.embed(sampleTexts, { ...options, purpose: 'passage' }),
  ]);
  const similarities = leftVectors.map((vector, index) =>
    cosine(vector, rightVectors[index] as Float32Array),
  );
  return {
    mean: similarities.reduce((sum, value) => sum + value, 0) / similarities.length,
    minimum: Math.min(...similarities),
    texts: sampleTexts.length,
    comparable: true,
  };
}
