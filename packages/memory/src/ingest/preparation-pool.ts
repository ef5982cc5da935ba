import type { Worker } from 'node:worker_threads';
import type { StructuralChunkerOptions } from '../chunker/structural-chunker.js';
import { MemoryError } from '../errors/index.js';
import { startWorker } from '../workers/start-worker.js';
import { type CompactPreparedDocument, expand, type PreparedDocument } from './prepare-document.js';

export interface PreparationPool {
  prepare(text: string, title: string | null): Promise<PreparedDocument>;
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
    { resolve: (value: CompactPreparedDocument) => void; reject: (error: unknown) => void }
  >();
  let nextId = 1;
  const workers = Array.from({ length: Math.max(1, threads) }, () => {
    const worker: Worker = startWorker(workerUrl(), { chunker });
    const slot = { worker, inflight: 0 };
    worker.on(
      'message',
      (message: { ready?: boolean; id?: number; result?: CompactPreparedDocument; error?: string }) => {
        if (message.ready || message.id === undefined) return;
        const entry = pending.get(message.id);
        if (!entry) return;
        pending.delete(message.id);
        slot.inflight--;
        if (slot.inflight === 0) worker.unref();
        if (message.error !== undefined) entry.reject(new MemoryError('worker_failed', message.error));
        else entry.resolve(message.result as CompactPreparedDocument);
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
    async prepare(text, title) {
      const slot = workers.reduce((best, candidate) =>
        candidate.inflight < best.inflight ? candidate : best,
      );
      slot.inflight++;
      slot.worker.ref();
      const id = nextId++;
      const result = await new Promise<CompactPreparedDocument>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, text, title });
      });
      return expand(text, result);
    },
    async close() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
