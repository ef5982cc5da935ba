// Runs searches in a worker thread on a read-only connection the consumer's module opens: a
// better-sqlite3 connection cannot cross threads, and heavy scans must not block the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import {
  fuseAndHydrate,
  runSearch,
  type SearchLists,
  type SearchPhase,
  type SearchRequest,
  searchLists,
} from './search.js';

interface WorkerData {
  module: string;
  exportName: string;
  argument: unknown;
}

const data = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('retrieval-worker must run in a worker thread');

const imported = (await import(data.module)) as Record<string, unknown>;
const open = imported[data.exportName];
if (typeof open !== 'function') {
  throw new Error(`${data.module} does not export a function ${data.exportName}`);
}
const connection = (await open(data.argument)) as Database;

type Message =
  | { id: number; request: SearchRequest; phase: 'all' }
  | { id: number; request: SearchRequest; phase: 'lists'; phases: SearchPhase[] }
  | { id: number; request: SearchRequest; phase: 'hydrate'; lists: SearchLists }
  | { close: true };

function handle(message: Exclude<Message, { close: true }>): unknown {
  if (message.phase === 'lists') return searchLists(connection, message.request, message.phases);
  if (message.phase === 'hydrate') return fuseAndHydrate(connection, message.request, message.lists);
  return runSearch(connection, message.request);
}

port.on('message', (message: Message) => {
  if ('close' in message) {
    connection.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ id: message.id, result: handle(message) });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    port.postMessage({
      id: message.id,
      error: { message: (error as Error).message, code: typeof code === 'string' ? code : null },
    });
  }
});
port.postMessage({ ready: true });
