import { analyse } from '../analysis/analyser.js';
import type { Embedder } from '../embedder/embedder.js';

/**
 * A fake embedder for unit tests: hashes stemmed words into `dimensions` buckets (feature hashing),
 * so texts sharing words get close vectors. Deterministic, instant, and not a model.
 */
export function createFakeEmbedder(options: { dimensions?: number; id?: string } = {}): Embedder & {
  calls: string[][];
} {
  const dimensions = options.dimensions ?? 32;
  const calls: string[][] = [];
  return {
    id: options.id ?? `fake:hashing-${dimensions}`,
    dimensions,
    calls,
    async embed(texts) {
      calls.push([...texts]);
      return texts.map((text) => {
        const vector = new Float32Array(dimensions);
        for (const term of analyse(text, { language: null })) {
          let hash = 2166136261;
          for (let index = 0; index < term.length; index++) {
            hash = Math.imul(hash ^ term.charCodeAt(index), 16777619);
          }
          const bucket = (hash >>> 0) % dimensions;
          vector[bucket] = (vector[bucket] as number) + ((hash >>> 31) & 1 ? 1 : -1);
        }
        let norm = 0;
        for (const value of vector) norm += value * value;
        norm = Math.sqrt(norm) || 1;
        for (let index = 0; index < dimensions; index++) vector[index] = (vector[index] as number) / norm;
        if (norm === 1 && vector.every((value) => value === 0)) vector[0] = 1;
        return vector;
      });
    },
  };
}
