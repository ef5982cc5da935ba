import type { Database } from 'better-sqlite3';
import type { Embedder } from '../embedder/embedder.js';
import { throwIfAborted } from '../errors/index.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import {
  createVectorIndex,
  deleteOrphanVectors,
  dropVectorIndex,
  findVectorIndex,
  getActiveVectorIndex,
  insertVectors,
  type VectorIndex,
} from '../store/vector-index.js';
import { cosine } from './compare-embedders.js';

export interface VectorIndexMigrationOptions {
  /** The embedder to switch to. */
  embedder: Embedder;
  /** Chunks embedded per batch (default 64). */
  batchSize?: number;
  /** Chunks whose stored vectors are compared with the new embedder's (default 32). */
  sampleSize?: number;
  /** Minimum cosine on every sampled chunk for the index to be kept as is (default 0.999). */
  sameVectorsThreshold?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface VectorIndexMigration {
  /** `relabelled`: vectors were the same, only the index's embedder id changed; `rebuilt`: re-embedded. */
  mode: 'unchanged' | 'relabelled' | 'rebuilt';
  index: VectorIndex;
  embedded: number;
  /** Cosine of the new embedder against the stored vectors on the sample (null when not comparable). */
  sampleMinimum: number | null;
}

const toVector = (blob: Buffer) =>
  new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));

function chunkRows(connection: Database, ids: readonly number[]) {
  return connection
    .prepare(
      'SELECT id, source_id, text FROM memory_chunks WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id',
    )
    .all(JSON.stringify(ids)) as { id: number; source_id: number; text: string }[];
}

/**
 * Switches the database to another embedder. When the new embedder reproduces the stored vectors
 * (same model behind another id), the index is relabelled in place: no re-embedding. Otherwise a
 * new index is built in the background, batch by batch, while the old one keeps serving queries and
 * taking new chunks; it then catches up and the two are swapped in one transaction.
 */
export async function migrateVectorIndex(
  database: MemoryDatabase,
  options: VectorIndexMigrationOptions,
): Promise<VectorIndexMigration> {
  const { embedder } = options;
  const connection = database.getConnection();
  const active = getActiveVectorIndex(connection);
  if (active && active.embedderId === embedder.id && active.dimensions === embedder.dimensions) {
    return { mode: 'unchanged', index: active, embedded: 0, sampleMinimum: 1 };
  }
  let sampleMinimum: number | null = null;
  if (active && active.dimensions === embedder.dimensions) {
    const sample = connection
      .prepare('SELECT id, text FROM memory_chunks ORDER BY random() LIMIT ?')
      .all(options.sampleSize ?? 32) as { id: number; text: string }[];
    if (sample.length > 0) {
      const fresh = await embedder.embed(
        sample.map((row) => row.text),
        { signal: options.signal, purpose: 'passage' },
      );
      const read = connection.prepare(`SELECT embedding FROM ${active.table} WHERE rowid = ?`).pluck();
      sampleMinimum = Math.min(
        ...sample.map((row, index) => {
          const stored = read.get(BigInt(row.id)) as Buffer | undefined;
          return stored ? cosine(toVector(stored), fresh[index] as Float32Array) : -1;
        }),
      );
      if (sampleMinimum >= (options.sameVectorsThreshold ?? 0.999)) {
        await database.writeLock.runExclusive(() => {
          connection
            .prepare('UPDATE memory_vector_indexes SET embedder_id = ?, updated_at = ? WHERE id = ?')
            .run(embedder.id, Date.now() / 1000, active.id);
        });
        return {
          mode: 'relabelled',
          index: { ...active, embedderId: embedder.id },
          embedded: 0,
          sampleMinimum,
        };
      }
    }
  }

  const target =
    findVectorIndex(connection, embedder.id, embedder.dimensions, ['building']) ??
    (await database.writeLock.runExclusive(() =>
      // One transaction for the registry row and its table; BEGIN IMMEDIATE, as every write here:
      // in WAL mode a deferred transaction that reads then writes fails at once when another
      // process wrote meanwhile, whatever busy_timeout says.
      connection
        .transaction(() => createVectorIndex(connection, embedder.id, embedder.dimensions, 'building'))
        .immediate(),
    ));
  const batchSize = options.batchSize ?? 64;
  const total = connection.prepare('SELECT count(*) FROM memory_chunks').pluck().get() as number;
  let embedded = 0;

  async function embedInto(ids: readonly number[]): Promise<void> {
    const rows = chunkRows(connection, ids);
    if (rows.length === 0) return;
    const vectors = await embedder.embed(
      rows.map((row) => row.text),
      { signal: options.signal, purpose: 'passage' },
    );
    await database.writeLock.runExclusive(() =>
      connection
        .transaction(() => {
          // A chunk deleted while it was being embedded is not written back.
          const alive = new Set(
            chunkRows(
              connection,
              rows.map((row) => row.id),
            ).map((row) => row.id),
          );
          insertVectors(
            connection,
            target,
            rows.flatMap((row, index) =>
              alive.has(row.id)
                ? [{ chunkId: row.id, sourceId: row.source_id, vector: vectors[index] as Float32Array }]
                : [],
            ),
            [],
          );
        })
        .immediate(),
    );
    embedded += rows.length;
    options.onProgress?.({ done: embedded, total });
  }

  const missingIds = (limit: number) =>
    connection
      .prepare(
        `SELECT id FROM memory_chunks WHERE id NOT IN (SELECT rowid FROM ${target.table}) ORDER BY id LIMIT ?`,
      )
      .pluck()
      .all(limit) as number[];

  // On abort or failure the partial index stays 'building': a later call resumes where this one stopped.
  {
    const nextIds = connection
      .prepare('SELECT id FROM memory_chunks WHERE id > ? ORDER BY id LIMIT ?')
      .pluck();
    let last = 0;
    for (;;) {
      throwIfAborted(options.signal);
      const ids = nextIds.all(last, batchSize) as number[];
      if (ids.length === 0) break;
      last = ids[ids.length - 1] as number;
      await embedInto(ids);
    }
    // Catch up with chunks added meanwhile, outside the lock while there are many.
    for (let missing = missingIds(batchSize); missing.length === batchSize; missing = missingIds(batchSize)) {
      throwIfAborted(options.signal);
      await embedInto(missing);
    }
    await database.writeLock.runExclusive(async () => {
      const rest = missingIds(1_000_000);
      if (rest.length > 0) {
        const rows = chunkRows(connection, rest);
        const vectors = await embedder.embed(
          rows.map((row) => row.text),
          { signal: options.signal, purpose: 'passage' },
        );
        insertVectors(
          connection,
          target,
          rows.map((row, index) => ({
            chunkId: row.id,
            sourceId: row.source_id,
            vector: vectors[index] as Float32Array,
          })),
          [],
        );
        embedded += rows.length;
      }
      connection
        .transaction(() => {
          deleteOrphanVectors(connection, target.table);
          const current = getActiveVectorIndex(connection);
          if (current) dropVectorIndex(connection, current);
          connection
            .prepare("UPDATE memory_vector_indexes SET state = 'active', updated_at = ? WHERE id = ?")
            .run(Date.now() / 1000, target.id);
        })
        .immediate();
    });
  }
  return { mode: 'rebuilt', index: { ...target, state: 'active' }, embedded, sampleMinimum };
}
