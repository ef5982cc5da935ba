// Prepares documents for ingestion in a worker thread (normalising, hashing, chunking, analysis), so
// that the calling thread only embeds and writes.
import { parentPort, workerData } from 'node:worker_threads';
import { createStructuralChunker, type StructuralChunkerOptions } from '../chunker/structural-chunker.js';
import type { PreparationRequest, PreparationResult } from './preparation-pool.js';
import { compact, normaliseSource, prepareDocument } from './prepare-document.js';

const port = parentPort;
if (!port) throw new Error('preparation-worker must run in a worker thread');
const chunker = createStructuralChunker((workerData as { chunker: StructuralChunkerOptions }).chunker);

port.on('message', (message: PreparationRequest) => {
  try {
    // A raw text is normalised and hashed here too; its normalised text goes back to the caller.
    const source = message.normalised ?? normaliseSource({ ...message.raw, title: message.title });
    const result: PreparationResult = {
      text: message.normalised ? null : source.text,
      hash: source.hash,
      prepared: compact(prepareDocument(source.text, message.title, chunker)),
    };
    port.postMessage({ id: message.id, result });
  } catch (error) {
    port.postMessage({ id: message.id, error: (error as Error).message });
  }
});
port.postMessage({ ready: true });
