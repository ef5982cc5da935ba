import type { Embedder } from '../embedder/embedder.js';
import { createRandom } from '../store/kmeans.js';

/**
 * A fake embedder with clustered vectors, for index tests and benchmarks: a text "about" cluster c
 * (its first number, e.g. "17 …") gets that cluster's centre plus Gaussian noise seeded by the text,
 * so nearest neighbours are meaningful the way they are for real embeddings.
 */
export function createClusteredEmbedder(options: {
  dimensions: number;
  clusters: number;
  noise?: number;
  seed?: number;
}): Embedder & {
  centre(cluster: number): Float32Array;
} {
  const { dimensions, clusters } = options;
  const noise = options.noise ?? 0.6;
  const random = createRandom(options.seed ?? 7);
  const gaussian = (next: () => number) =>
    Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const centres = Array.from({ length: clusters }, () => {
    const centre = Float32Array.from({ length: dimensions }, () => gaussian(random));
    return normalize(centre);
  });
  function normalize(vector: Float32Array): Float32Array {
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] as number) / norm;
    return vector;
  }
  function hash(text: string): number {
    let value = 2166136261;
    for (let index = 0; index < text.length; index++)
      value = Math.imul(value ^ text.charCodeAt(index), 16777619);
    return value >>> 0;
  }
  const embedOne = (text: string) => {
    const cluster = Number(/\d+/.exec(text)?.[0] ?? hash(text)) % clusters;
    const next = createRandom(hash(text));
    const centre = centres[cluster] as Float32Array;
    const scale = noise / Math.sqrt(dimensions);
    return normalize(Float32Array.from(centre, (value) => value + scale * gaussian(next)));
  };
  return {
    id: `fake:clustered-${dimensions}-${clusters}`,
    dimensions,
    centre: (cluster) => centres[cluster % clusters] as Float32Array,
    async embed(texts) {
      return texts.map(embedOne);
    },
  };
}
