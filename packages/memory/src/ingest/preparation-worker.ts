// Prepares documents for ingestion in a worker thread (chunking, analysis, hashing), so that the
// calling thread only embeds and writes.
import { parentPort, workerData } from 'node:worker_threads';
import { createStructuralChunker, type StructuralChunkerOptions } from '../chunker/structural-chunker.js';
import { compact, prepareDocument } from './prepare-document.js';

const port = parentPort;
if (!port) throw new Error('preparation-worker must run in a worker thread');
const chunker = createStructuralChunker((workerData as { chunker: StructuralChunkerOptions }).chunker);

port.on('message', (message: { id: number; text: string; title: string | null }) => {
  try {
    port.postMessage({
      id: message.id,
      result: compact(prepareDocument(message.text, message.title, chunker)),
    });
  } catch (error) {
    port.postMessage({ id: message.id, error: (error as Error).message });
  }
});
port.postMessage({ ready: true });
