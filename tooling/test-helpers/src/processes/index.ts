// Written once in @klody/service; re-exported for the tests that check a process is gone.
export { isProcessAlive } from '@klody/service/process';
export {
  createProcessReaper,
  type ProcessExit,
  type ProcessReaper,
  type ReapedProcess,
} from './process-reaper.js';
