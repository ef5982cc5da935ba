import { dot } from './vector-index.js';

/** A small deterministic PRNG (mulberry32): training is reproducible for a given seed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] as number) / norm;
  return vector;
}

export function nearest(vector: Float32Array, centroids: readonly Float32Array[]): number {
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < centroids.length; index++) {
    const score = dot(vector, centroids[index] as Float32Array);
    if (score > bestScore) {
      bestScore = score;
      best = index;
    }
  }
  return best;
}

/**
 * Spherical k-means (cosine): k-means++-style seeding by distance, then Lloyd iterations with
 * normalized centroids. Empty clusters are re-seeded from the farthest points.
 */
export function sphericalKMeans(
  vectors: readonly Float32Array[],
  k: number,
  options: { iterations: number; random: () => number },
): Float32Array[] {
  const count = vectors.length;
  const clusters = Math.max(1, Math.min(k, count));
  const dimensions = vectors[0]?.length ?? 0;
  const centroids: Float32Array[] = [
    Float32Array.from(vectors[Math.floor(options.random() * count)] as Float32Array),
  ];
  const best = new Float64Array(count).fill(-2);
  while (centroids.length < clusters) {
    const last = centroids[centroids.length - 1] as Float32Array;
    let total = 0;
    for (let index = 0; index < count; index++) {
      best[index] = Math.max(best[index] as number, dot(vectors[index] as Float32Array, last));
      total += 1 - (best[index] as number);
    }
    let target = options.random() * total;
    let chosen = count - 1;
    for (let index = 0; index < count; index++) {
      target -= 1 - (best[index] as number);
      if (target <= 0) {
        chosen = index;
        break;
      }
    }
    centroids.push(Float32Array.from(vectors[chosen] as Float32Array));
  }
  const assignment = new Int32Array(count);
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    for (let index = 0; index < count; index++)
      assignment[index] = nearest(vectors[index] as Float32Array, centroids);
    const sums = centroids.map(() => new Float32Array(dimensions));
    const sizes = new Int32Array(clusters);
    for (let index = 0; index < count; index++) {
      const cluster = assignment[index] as number;
      const sum = sums[cluster] as Float32Array;
      const vector = vectors[index] as Float32Array;
      for (let dimension = 0; dimension < dimensions; dimension++)
        sum[dimension] = (sum[dimension] as number) + (vector[dimension] as number);
      sizes[cluster] = (sizes[cluster] as number) + 1;
    }
    for (let cluster = 0; cluster < clusters; cluster++) {
      centroids[cluster] =
        (sizes[cluster] as number) > 0
          ? normalize(sums[cluster] as Float32Array)
          : Float32Array.from(vectors[Math.floor(options.random() * count)] as Float32Array);
    }
  }
  return centroids;
}
