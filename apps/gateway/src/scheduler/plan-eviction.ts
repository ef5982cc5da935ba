// The scheduler's decision, with no process and no socket: given the workers, a budget and a need,
// which workers to evict (least recently used first; never pinned; never busy), or why it cannot fit.

export interface SchedulerWorker {
  name: string;
  estimatedGb: number;
  /** Measured footprint; preferred over the estimate when known. */
  measuredGb: number | null;
  pinned: boolean;
  /** Requests holding or waiting for the worker: a busy worker is never evicted. */
  inflight: number;
  /** Unix seconds of last use; null if never used (evicted first). */
  lastUsed: number | null;
  /** Whether it holds memory now (ready, starting, or a survivor of SIGKILL). */
  running: boolean;
}

export interface EvictionNeed {
  /** The worker to load; it is never its own eviction candidate. Null for a reservation of RAM only. */
  worker: string | null;
  gb: number;
}

export interface PlanEvictionInput {
  workers: readonly SchedulerWorker[];
  budgetGb: number;
  need: EvictionNeed;
  /** Workers already being evicted by another plan: neither counted as used nor evicted again. */
  claimed?: ReadonlySet<string>;
  /** Memory promised to loads in progress (their workers are not running yet). */
  reservedGb?: number;
}

export type CannotFitReason =
  /** The need alone exceeds the budget: it will never fit. */
  | 'exceeds_budget'
  /** Pinned workers leave too little room: it will never fit while they run. */
  | 'pinned'
  /** Busy workers or loads in progress are in the way: it may fit later. */
  | 'busy';

export type EvictionPlan =
  | { fits: true; evict: string[]; freeGbAfter: number }
  | { fits: false; reason: CannotFitReason; retryable: boolean; blockers: string[]; message: string };

/** The figure the scheduler trusts: measured when known, the registry's estimate otherwise. */
export function footprintGb(worker: Pick<SchedulerWorker, 'estimatedGb' | 'measuredGb'>): number {
  return worker.measuredGb ?? worker.estimatedGb;
}

/**
 * What a stopped worker's next load is planned at: its footprint measured at rest (no request in
 * flight) during its latest run, else the registry's estimate. A measurement is a prior, never a
 * verdict: one that alone exceeds the budget where the estimate fits falls back to the estimate, so the
 * load is tried and measured again. (A peak kept forever once locked a model out until a restart: a
 * 1.2 GB request body, or a burst of 72 requests, had grown it past the whole budget.)
 */
export function loadPriorGb(
  worker: { estimatedGb: number; restingGb: number | null },
  budgetGb: number,
): number {
  if (worker.restingGb === null) return worker.estimatedGb;
  if (worker.restingGb > budgetGb && worker.estimatedGb <= budgetGb) return worker.estimatedGb;
  return worker.restingGb;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export function planEviction(input: PlanEvictionInput): EvictionPlan {
  const { workers, budgetGb, need } = input;
  const claimed = input.claimed ?? new Set<string>();
  const reservedGb = input.reservedGb ?? 0;
  const holding = workers.filter(
    (worker) => worker.running && !claimed.has(worker.name) && worker.name !== need.worker,
  );
  const usedGb = holding.reduce((sum, worker) => sum + footprintGb(worker), 0) + reservedGb;
  let freeGb = budgetGb - usedGb;

  if (need.gb > budgetGb) {
    return {
      fits: false,
      reason: 'exceeds_budget',
      retryable: false,
      blockers: [],
      message: `needs ${round(need.gb)} GiB but the whole budget is ${round(budgetGb)} GiB`,
    };
  }
  if (freeGb >= need.gb) return { fits: true, evict: [], freeGbAfter: freeGb - need.gb };

  const candidates = holding
    .filter((worker) => !worker.pinned && worker.inflight === 0)
    .sort((a, b) => (a.lastUsed ?? 0) - (b.lastUsed ?? 0) || a.name.localeCompare(b.name));
  const evict: string[] = [];
  for (const candidate of candidates) {
    if (freeGb >= need.gb) break;
    evict.push(candidate.name);
    freeGb += footprintGb(candidate);
  }
  if (freeGb >= need.gb) return { fits: true, evict, freeGbAfter: freeGb - need.gb };

  const pinned = holding.filter((worker) => worker.pinned);
  const pinnedGb = pinned.reduce((sum, worker) => sum + footprintGb(worker), 0);
  if (budgetGb - pinnedGb < need.gb) {
    return {
      fits: false,
      reason: 'pinned',
      retryable: false,
      blockers: pinned.map((worker) => worker.name),
      message: `needs ${round(need.gb)} GiB; pinned workers (${pinned.map((worker) => worker.name).join(', ')}) hold ${round(pinnedGb)} of ${round(budgetGb)} GiB`,
    };
  }
  const busy = holding.filter((worker) => !worker.pinned && worker.inflight > 0).map((worker) => worker.name);
  const waitingOn = [
    ...busy,
    ...(reservedGb > 0 ? ['loads in progress'] : []),
    ...(claimed.size > 0 ? ['evictions in progress'] : []),
  ];
  return {
    fits: false,
    reason: 'busy',
    retryable: true,
    blockers: busy,
    message: `needs ${round(need.gb)} GiB, ${round(Math.max(0, freeGb))} GiB can be freed now; waiting on ${waitingOn.join(', ') || 'memory'}`,
  };
}
