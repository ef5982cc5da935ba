import type { Worker } from 'node:worker_threads';
import type { StructuralChunkerOptions } from '../chunker/structural-chunker.js';
import { MemoryError } from '../errors/index.js';
import { startWorker } from '../workers/start-worker.js';
import {
  type CompactPreparedDocument,
  expand,
  type NormalizedSource,
  type PreparedDocument,
} from './prepare-document.js';

/** A document to prepare: raw (normalized and hashed in the thread) or already normalized. */
export type PreparationRequest = { id: number; title: string | null } & (
  | { raw: { text: string; stripGutenberg: boolean }; normalized?: undefined }
  | { normalized: NormalizedSource; raw?: undefined }
);

export interface PreparationResult {
  /** The normalized text, when the thread normalized it (null: the caller already has it). */
  text: string | null;
  hash: string;
  prepared: CompactPreparedDocument;
}

export interface PreparationPool {
  /** Prepares a raw document, or one the caller has already normalized and hashed. */
  prepare(
    document: { text: string; title: string | null; stripGutenberg: boolean },
    normalized: NormalizedSource | null,
  ): Promise<NormalizedSource & { prepared: PreparedDocument }>;
  close(): Promise<void>;
}

function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('./preparation-worker.ts', here)
    : new URL('./preparation-worker.js', here);
}

/** Worker threads that chunk and analyse documents while the calling thread embeds and writes. */
export function createPreparationPool(threads: number, chunker: StructuralChunkerOptions): PreparationPool {
  const pending = new Map<
    number,
    { resolve: (value: PreparationResult) => void; reject: (error: unknown) => void }
  >();
  let nextId = 1;
  const workers = Array.from({ length: Math.max(1, threads) }, () => {
    const worker: Worker = startWorker(workerUrl(), { chunker });
    const slot = { worker, inflight: 0 };
    worker.on(
      'message',
      (message: { ready?: boolean; id?: number; result?: PreparationResult; error?: string }) => {
        if (message.ready || message.id === undefined) return;
        const entry = pending.get(message.id);
        if (!entry) return;
        pending.delete(message.id);
        slot.inflight--;
        if (slot.inflight === 0) worker.unref();
        if (message.error !== undefined) entry.reject(new MemoryError('worker_failed', message.error));
        else entry.resolve(message.result as PreparationResult);
      },
    );
    worker.on('error', (error) => {
      for (const [id, entry] of pending) {
        pending.delete(id);
        entry.reject(
          new MemoryError('worker_failed', `preparation worker failed: ${error.message}`, { cause: error }),
        );
      }
    });
    // An idle pool must not keep the process alive; a busy one must (see prepare).
    worker.unref();
    return slot;
  });
  return {
    async prepare(document, normalized) {
      const slot = workers.reduce((best, candidate) =>
        candidate.inflight < best.inflight ? candidate : best,
      );
      slot.inflight++;
      slot.worker.ref();
      const id = nextId++;
      const request: PreparationRequest = normalized
        ? { id, title: document.title, normalized }
        : {
            id,
            title: document.title,
            raw: { text: document.text, stripGutenberg: document.stripGutenberg },
          };
      const result = await new Promise<PreparationResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        slot.worker.postMessage(request);
      });
      const text = result.text ?? (normalized as NormalizedSource).text;
      return { text, hash: result.hash, prepared: expand(text, result.prepared) };
    },
    async close() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
