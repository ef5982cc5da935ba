export {
  createProcessReaper,
  type ProcessExit,
  type ProcessReaper,
  type ReapedProcess,
} from './process-reaper.js';
export { isProcessAlive } from './process-state.js';
