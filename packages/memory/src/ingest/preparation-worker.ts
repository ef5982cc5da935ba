// Prepares documents for ingestion in a worker thread (normalizing, hashing, chunking, analysis), so
// that the calling thread only embeds and writes.
import { parentPort, workerData } from 'node:worker_threads';
import { createStructuralChunker, type StructuralChunkerOptions } from '../chunker/structural-chunker.js';
import type { PreparationRequest, PreparationResult } from './preparation-pool.js';
import { compact, normalizeSource, prepareDocument } from './prepare-document.js';

const port = parentPort;
if (!port) throw new Error('preparation-worker must run in a worker thread');
const chunker = createStructuralChunker((workerData as { chunker: StructuralChunkerOptions }).chunker);

port.on('message', (message: PreparationRequest) => {
  try {
    // A raw text is normalized and hashed here too; its normalized text goes back to the caller.
    const source = message.normalized ?? normalizeSource({ ...message.raw, title: message.title });
    const result: PreparationResult = {
      text: message.normalized ? null : source.text,
      hash: source.hash,
      prepared: compact(prepareDocument(source.text, message.title, chunker)),
    };
    port.postMessage({ id: message.id, result });
  } catch (error) {
    port.postMessage({ id: message.id, error: (error as Error).message });
  }
});
port.postMessage({ ready: true });
