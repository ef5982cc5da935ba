export { GatewayError, type GatewayErrorCode } from './errors/index.js';
export { createGatewayApp, GatewayMetrics } from './http/index.js';
export {
  type LoadedRegistry,
  loadRegistry,
  parseRegistry,
  type Registry,
  type WorkerConfig,
} from './registry/index.js';
export { type EvictionPlan, planEviction, SchedulerLedger, type SchedulerWorker } from './scheduler/index.js';
export {
  createJsonLogger,
  gatewayHome,
  type RunningGateway,
  type StartGatewayOptions,
  startGateway,
} from './server/index.js';
export { createSystemMemoryProbe, type MemoryProbe } from './system-memory/index.js';
export { type Lease, WorkerManager } from './workers/index.js';
