// A model's state as clients see it (GET /v1/models, the load-progress comments), from its worker's
// internal lifecycle state (WorkerState, worker-table.ts). Clients need to know one thing: will a
// request be answered now, after a load, or not at all; the gateway's finer states map onto that.
import type { WorkerState } from '@klody/gateway-client/schemas';

export type ModelState = 'stopped' | 'loading' | 'ready' | 'failed' | 'remote';

/**
 * - `starting` → `loading`; `stopped` with requests waiting for it → `loading` too (they wait for room
 *   to load it: a load is on its way);
 * - `stopping`, `stopped` → `stopped` (the next request loads it);
 * - `failed` (its last start or run failed; the next request tries again) and `survivor` (a process
 *   that outlived SIGKILL, still serving but reported broken) → `failed`;
 * - `ready` → `ready`; `remote` (routed to, never managed) → `remote`.
 */
export function modelState(state: WorkerState, queued: number): ModelState {
  switch (state) {
    case 'starting':
      return 'loading';
    case 'stopped':
      return queued > 0 ? 'loading' : 'stopped';
    case 'stopping':
      return 'stopped';
    case 'failed':
    case 'survivor':
      return 'failed';
    case 'ready':
      return 'ready';
    case 'remote':
      return 'remote';
  }
}

/**
 * Whether a request for a worker in this state waits for a load (a process to start, or an old one to
 * stop first) before its worker can answer. A survivor still answers, as `ensure` serves it.
 */
export function needsLoad(state: WorkerState): boolean {
  return state === 'stopped' || state === 'starting' || state === 'stopping' || state === 'failed';
}

/** What a request waiting for its model is waiting for, in words (the load-progress comments). */
export function waitDescription(state: WorkerState): string {
  switch (state) {
    case 'starting':
      return 'loading';
    case 'stopping':
      return 'waiting for its previous process to stop';
    case 'stopped':
    case 'failed':
      return 'waiting for room';
    default:
      return state;
  }
}
