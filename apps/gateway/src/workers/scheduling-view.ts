// What the scheduler (plan-eviction, the ledger) sees of the worker table, and the memory it counts.
import { isRemote, type ManagedWorkerConfig } from '../registry/index.js';
import { footprintGb, loadPriorGb, type SchedulerWorker } from '../scheduler/index.js';
import { isRunning, type WorkerEntry } from './worker-table.js';

export function schedulerView(entries: readonly WorkerEntry[]): SchedulerWorker[] {
  const view: SchedulerWorker[] = [];
  for (const entry of entries) {
    if (isRemote(entry.config)) continue;
    const managed = entry.config as ManagedWorkerConfig;
    view.push({
      name: entry.key,
      estimatedGb: managed.estimatedGb,
      measuredGb: entry.measuredGb,
      pinned: managed.pinned,
      // A survivor or a worker already stopping cannot be evicted (again): it counts as busy, which
      // makes a plan wait for it rather than give up.
      inflight:
        entry.inflight + entry.queued + (entry.state === 'survivor' || entry.state === 'stopping' ? 1 : 0),
      lastUsed: entry.lastUsed === null ? null : entry.lastUsed / 1000,
      // A starting worker's memory is counted through its reservation.
      running: isRunning(entry) && entry.state !== 'starting',
    });
  }
  return view;
}

/**
 * The memory the scheduler counts for a worker now: its footprint while it holds memory, the prior
 * of its next load otherwise (shown as `scheduledGb` in the status).
 */
export function plannedGb(entry: WorkerEntry, budgetGb: number): number {
  if (isRemote(entry.config)) return 0;
  const config = entry.config as ManagedWorkerConfig;
  if (isRunning(entry) && entry.state !== 'starting')
    return footprintGb({ estimatedGb: config.estimatedGb, measuredGb: entry.measuredGb });
  return loadPriorGb({ estimatedGb: config.estimatedGb, restingGb: entry.restingGb }, budgetGb);
}

/** The memory the running workers hold (measured, else estimated). */
export function usedGb(entries: readonly WorkerEntry[]): number {
  let total = 0;
  for (const entry of entries) {
    if (isRemote(entry.config) || !isRunning(entry)) continue;
    total += footprintGb({
      estimatedGb: (entry.config as ManagedWorkerConfig).estimatedGb,
      measuredGb: entry.measuredGb,
    });
  }
  return total;
}
