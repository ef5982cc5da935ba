import type { MemoryDatabase } from '../store/memory-database.js';
import { contentHash } from '../text/content-hash.js';
import type { Embedder, EmbedPurpose } from './embedder.js';

export interface CachedEmbedderOptions {
  embedder: Embedder;
  database: MemoryDatabase;
}

export interface CacheStatistics {
  hits: number;
  misses: number;
}

/**
 * The cache's model key. An asymmetric model's query and passage vectors of one text differ, so
 * each purpose gets its own key; the bare id stays for symmetric models (their cached vectors stay
 * valid) and for calls without a purpose, whose vectors are the model's default.
 */
export function cacheKeyOf(embedder: Embedder, purpose: EmbedPurpose | undefined): string {
  return embedder.asymmetric && purpose ? `${embedder.id}#${purpose}` : embedder.id;
}

/**
 * Wraps an embedder with a cache in the consumer's database, keyed by sha256 of the canonical text,
 * the embedder id (with the purpose for an asymmetric model) and the dimension: re-ingesting
 * unchanged text, or the same paragraph in two books, costs no model time.
 */
export function createCachedEmbedder(
  options: CachedEmbedderOptions,
): Embedder & { statistics: CacheStatistics } {
  const { embedder, database } = options;
  const statistics: CacheStatistics = { hits: 0, misses: 0 };
  return {
    id: embedder.id,
    dimensions: embedder.dimensions,
    asymmetric: embedder.asymmetric,
    statistics,
    async embed(texts, embedOptions) {
      const connection = database.getConnection();
      const key = cacheKeyOf(embedder, embedOptions?.purpose);
      const hashes = texts.map((text) => contentHash(text));
      const read = connection.prepare(
        'SELECT vector FROM memory_embedding_cache WHERE embedder_id = ? AND dimensions = ? AND text_hash = ?',
      );
      const result: (Float32Array | undefined)[] = hashes.map((hash) => {
        const row = read.get(key, embedder.dimensions, hash) as { vector: Buffer } | undefined;
        return row
          ? new Float32Array(
              row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength),
            )
          : undefined;
      });
      const missing = result.flatMap((vector, index) => (vector ? [] : [index]));
      statistics.hits += texts.length - missing.length;
      statistics.misses += missing.length;
      if (missing.length > 0) {
        const computed = await embedder.embed(
          missing.map((index) => texts[index] as string),
          embedOptions,
        );
        await database.writeLock.runExclusive(() => {
          const write = connection.prepare(
            'INSERT OR REPLACE INTO memory_embedding_cache (embedder_id, dimensions, text_hash, vector, created_at) VALUES (?, ?, ?, ?, ?)',
          );
          const now = Date.now() / 1000;
          // BEGIN IMMEDIATE, like every write of the package: another process may share the file.
          connection
            .transaction(() => {
              missing.forEach((textIndex, position) => {
                const vector = computed[position] as Float32Array;
                result[textIndex] = vector;
                write.run(
                  key,
                  embedder.dimensions,
                  hashes[textIndex],
                  Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
                  now,
                );
              });
            })
            .immediate();
        });
      }
      return result as Float32Array[];
    },
  };
}
