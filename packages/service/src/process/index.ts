export { isProcessAlive, isProcessGroupAlive } from './process-state.js';
export { signalProcess, signalProcessGroup } from './signal-process-group.js';
export { type StopProcessGroupOptions, stopProcessGroup } from './stop-process-group.js';
export {
  type HealthAnswer,
  type ProbeHealthOptions,
  probeHealth,
  type WaitForHealthyOptions,
  waitForHealthy,
} from './wait-for-healthy.js';
