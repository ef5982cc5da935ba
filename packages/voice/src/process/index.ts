export {
  type JsonLinesWorker,
  type JsonLinesWorkerOptions,
  startJsonLinesWorker,
} from './json-lines-worker.js';
export { findExecutable, type ProcessResult, type RunProcessOptions, runProcess } from './run-process.js';
