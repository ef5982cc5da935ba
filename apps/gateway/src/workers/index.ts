export { isListeningOnPort, parseListeningInodes, processStartTime } from './listening-sockets.js';
export { LogFiles, type LogFilesOptions } from './log-files.js';
export { type PidRecord, PidRecords, pidRecordSchema } from './pid-records.js';
export {
  createProcessRuntime,
  type ProcessRuntime,
  type SpawnedProcess,
  type SpawnSpecification,
} from './process-runtime.js';
export {
  createWorkerKey,
  type WorkerCommand,
  workerCommand,
  workerEnvironment,
  workerKeyVariable,
} from './worker-command.js';
export type { Logger } from './worker-lifecycle.js';
export type { EnsureResult, SwapTimings } from './worker-load.js';
export { type Lease, WorkerManager, type WorkerManagerOptions } from './worker-manager.js';
