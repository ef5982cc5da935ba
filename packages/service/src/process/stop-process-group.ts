import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessGroupAlive } from './process-state.js';
import { signalProcessGroup } from './signal-process-group.js';

export interface StopProcessGroupOptions {
  /** How long the group may take to exit after SIGTERM before it is sent SIGKILL. */
  graceMs: number;
  /** How long to wait after SIGKILL before reporting a survivor (default 3 s). */
  killWaitMs?: number;
  /** The pause between two looks (default 20 ms). */
  pollMs?: number;
  /** Called when SIGTERM was not enough, just before SIGKILL is sent (to say so in a log). */
  onKill?: () => void;
  /** What counts as still running; the whole group by default (isProcessGroupAlive). */
  isAlive?: (pid: number) => boolean;
  /**
   * How a signal is sent; to the group by default (signalProcessGroup). A caller whose processes sit
   * behind an interface of its own (a fake in unit tests) passes its own.
   */
  signal?: (pid: number, signal: 'SIGTERM' | 'SIGKILL') => void;
}

/**
 * Stops the process group that `pid` leads: SIGTERM, then SIGKILL once `graceMs` have passed. Resolves
 * with whether it is gone. A group still there `killWaitMs` after SIGKILL (a process stuck in the
 * kernel, a signal that never arrived) resolves false: a survivor is reported, never hidden — the
 * caller decides what that means (its memory is still held, its port still bound).
 */
export async function stopProcessGroup(pid: number, options: StopProcessGroupOptions): Promise<boolean> {
  const {
    graceMs,
    killWaitMs = 3_000,
    pollMs = 20,
    isAlive = isProcessGroupAlive,
    signal = signalProcessGroup,
  } = options;
  const gone = async (withinMs: number) => {
    const until = Date.now() + withinMs;
    while (Date.now() < until) {
      if (!isAlive(pid)) return true;
      await sleep(Math.min(pollMs, Math.max(1, until - Date.now())));
    }
    return !isAlive(pid);
  };
  signal(pid, 'SIGTERM');
  if (await gone(graceMs)) return true;
  options.onKill?.();
  signal(pid, 'SIGKILL');
  return gone(killWaitMs);
}
