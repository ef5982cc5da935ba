import { isPid } from './process-state.js';

/** Sends `signal` to one process; false when it could not be sent (gone, or not ours). Never throws. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  if (!isPid(pid)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends `signal` to the process group that `pid` leads (a process spawned `detached` leads one, so
 * the signal reaches the children it started), or to the process alone when there is no such group.
 * False when neither could be signalled (already gone). Never throws.
 */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  if (!isPid(pid)) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return signalProcess(pid, signal);
  }
}
