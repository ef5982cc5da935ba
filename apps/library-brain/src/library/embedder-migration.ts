// When the embedder changes, the books' vectors follow: memory's migrateVectorIndex relabels the
// index when the new embedder gives the same vectors, and otherwise builds a new index in the
// background (queries go on, lexical until the swap) and swaps it in at the end.
import {
  cosine,
  type Embedder,
  getActiveVectorIndex,
  type MemoryDatabase,
  MemoryError,
  migrateVectorIndex,
} from '@klody/memory';

export interface VectorIndexStatus {
  /**
   * `idle`: nothing asked yet; `checking`: comparing the embedder with the stored vectors;
   * `rebuilding`: embedding every passage again into a new index (`done` of `total`); `done`;
   * `failed` (`error` says why; the next start of `serve` or `library-brain reindex` resumes).
   */
  state: 'idle' | 'checking' | 'rebuilding' | 'done' | 'failed';
  /** The embedder of the stored vectors when the change began; null when the books had none. */
  from: string | null;
  /** The embedder switched to. */
  to: string | null;
  /** `unchanged`: nothing to do; `relabelled`: same vectors, only the id changed; `rebuilt`: re-embedded. */
  mode: 'unchanged' | 'relabelled' | 'rebuilt' | null;
  done: number;
  total: number;
  error: string | null;
}

export interface EmbedderMigration {
  status(): VectorIndexStatus;
  /**
   * Brings the vectors to `embedder` when they are not its own (another id or size, or no vectors
   * at all while the books have passages). With `verify`, the same id is also checked on a sample of
   * passages: a gateway alias (`embed`) now pointing at another model gives other vectors under the
   * same id, and the stale ones are then rebuilt. One run at a time: a second call joins the first.
   */
  run(embedder: Embedder, options?: { verify?: boolean }): Promise<VectorIndexStatus>;
  /** Stops a run in progress; the partial index stays and the next run resumes it. */
  close(): Promise<void>;
}

const sampleSize = 8;
/** Below this cosine on any sampled passage, vectors under the same id come from another model. */
const sameModelCosine = 0.99;

export function createEmbedderMigration(options: {
  database: MemoryDatabase;
  log?: (message: string) => void;
}): EmbedderMigration {
  const { database } = options;
  const log = options.log ?? (() => {});
  let status: VectorIndexStatus = {
    state: 'idle',
    from: null,
    to: null,
    mode: null,
    done: 0,
    total: 0,
    error: null,
  };
  let running: Promise<VectorIndexStatus> | null = null;
  const controller = new AbortController();

  /** True when the stored vectors under the embedder's own id are not what it gives now. */
  async function staleUnderSameId(embedder: Embedder): Promise<boolean> {
    const connection = database.getConnection();
    const index = getActiveVectorIndex(connection);
    if (!index) return false;
    const sample = connection
      .prepare(
        `SELECT chunk.text AS text, vector.embedding AS embedding FROM memory_chunks chunk JOIN ${index.table} vector ON vector.rowid = chunk.id ORDER BY chunk.id LIMIT ?`,
      )
      .all(sampleSize) as { text: string; embedding: Buffer }[];
    if (sample.length === 0) return false;
    const fresh = await embedder.embed(
      sample.map((row) => row.text),
      { purpose: 'passage', signal: controller.signal },
    );
    return sample.some((row, position) => {
      const stored = new Float32Array(
        row.embedding.buffer.slice(
          row.embedding.byteOffset,
          row.embedding.byteOffset + row.embedding.byteLength,
        ),
      );
      return cosine(stored, fresh[position] as Float32Array) < sameModelCosine;
    });
  }

  async function migrate(embedder: Embedder, verify: boolean): Promise<VectorIndexStatus> {
    const connection = database.getConnection();
    const active = getActiveVectorIndex(connection);
    const chunks = connection.prepare('SELECT count(*) FROM memory_chunks').pluck().get() as number;
    const sameId = active?.embedderId === embedder.id && active.dimensions === embedder.dimensions;
    status = {
      state: 'checking',
      from: active?.embedderId ?? null,
      to: embedder.id,
      mode: null,
      done: 0,
      total: chunks,
      error: null,
    };
    if (chunks === 0 || (sameId && !(verify && (await staleUnderSameId(embedder))))) {
      status = { ...status, state: 'done', mode: 'unchanged', total: 0 };
      return status;
    }
    if (sameId && active) {
      // Same id, other vectors: the index is marked stale so that queries stop using it (they go
      // lexical) and a new one is built under the id; cached embeddings of the id are stale too.
      log(`vectors: ${embedder.id} now gives other vectors than the stored ones; rebuilding the index`);
      await database.writeLock.runExclusive(() =>
        connection
          .transaction(() => {
            connection
              .prepare('UPDATE memory_vector_indexes SET embedder_id = ? WHERE id = ?')
              .run(`stale:${embedder.id}`, active.id);
            connection
              .prepare('DELETE FROM memory_embedding_cache WHERE embedder_id = ? OR embedder_id LIKE ?')
              .run(embedder.id, `${embedder.id}#%`);
          })
          .immediate(),
      );
    } else
      log(
        `vectors: the books' vectors come from ${active?.embedderId ?? 'no embedder'}, the embedder is ${embedder.id}; migrating the index in the background`,
      );
    status = { ...status, state: 'rebuilding' };
    const migration = await migrateVectorIndex(database, {
      embedder,
      // Small batches: each embedding request stays well within the gateway time limit on a slow
      // embedder (64 passages of multilingual-e5-small on one thread took over 60 s on 2 cores),
      // and questions asked meanwhile wait behind one short batch, not a long one.
      batchSize: 8,
      signal: controller.signal,
      onProgress: ({ done, total }) => {
        status = { ...status, done, total };
      },
    });
    status = {
      ...status,
      state: 'done',
      mode: migration.mode,
      done: migration.mode === 'rebuilt' ? status.total : 0,
    };
    log(
      migration.mode === 'relabelled'
        ? `vectors: ${embedder.id} gives the same vectors; the index was relabelled, nothing re-embedded`
        : `vectors: the index was rebuilt with ${embedder.id} (${migration.embedded} passages embedded) and swapped in`,
    );
    return status;
  }

  return {
    status: () => ({ ...status }),
    run(embedder, runOptions = {}) {
      running ??= migrate(embedder, runOptions.verify ?? false)
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          status = { ...status, state: 'failed', error: message };
          if (!(MemoryError.isInstance(error) && error.code === 'aborted'))
            log(`vectors: the index migration to ${embedder.id} failed: ${message}`);
          return status;
        })
        .finally(() => {
          running = null;
        });
      return running;
    },
    async close() {
      controller.abort();
      await running;
    },
  };
}
