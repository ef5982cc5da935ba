// Swap-aware scheduling, with no process, no timer and no I/O: given the requests waiting for their
// model and the workers, which requests may proceed now (to their worker's load or slot), and which
// model is loaded next. Loading a model under a budget that fits one at a time costs a swap; serving
// A B A C as A A B C saves one. Two policies:
// - `batch`: the resident model's waiters are served as a batch, and newcomers join it while no other
//   model's request has waited `maxWaitSeconds`; past that bound the resident model is closed to
//   newcomers, drains, and the starved model is loaded next. A freshly swapped-in model is never
//   closed before `minResidencySeconds`, so that it serves what waited for it. Among the models
//   waiting within the bound, the higher priority goes first, then the oldest arrival.
// - `fifo`: strict arrival order, no batching: the baseline batching is measured against.

export type SchedulingPolicy = 'batch' | 'fifo';

export interface PolicySettings {
  policy: SchedulingPolicy;
  maxWaitSeconds: number;
  minResidencySeconds: number;
}

export interface WaitingRequest {
  id: number;
  /** The worker (model) it needs. */
  worker: string;
  /** Milliseconds since the epoch. */
  arrivedAt: number;
  /** Higher first among the models waiting within the bound. */
  priority: number;
  /** Already allowed to proceed: it waits for its worker's load (or for memory), not for its turn. */
  admitted: boolean;
}

export interface PolicyWorker {
  name: string;
  /** Ready to serve now. */
  resident: boolean;
  /** When it became resident (ms since the epoch); null when not resident or not swapped in by us. */
  loadedAt: number | null;
  /** Never evicted: closing it to newcomers would make no room. */
  pinned: boolean;
  /** GiB its load needs (when not resident). */
  loadGb: number;
}

export interface PolicyInput {
  requests: readonly WaitingRequest[];
  /** The workers the requests need, and the resident ones. */
  workers: readonly PolicyWorker[];
  /** GiB of the budget free now without evicting anything (loads in progress deducted). */
  freeGb: number;
  /** Milliseconds since the epoch. */
  now: number;
  settings: PolicySettings;
}

export interface PolicyDecision {
  /** The requests that may proceed now (the already admitted ones included). */
  proceed: number[];
  /** The model being loaded, or chosen to load next; null when none. */
  next: string | null;
  /** Resident models closed to newcomers (they drain so that a waiting model can be loaded). */
  closed: string[];
}

const unknownWorker = (name: string): PolicyWorker => ({
  name,
  resident: false,
  loadedAt: null,
  pinned: false,
  loadGb: Number.POSITIVE_INFINITY,
});

const byArrival = (a: WaitingRequest, b: WaitingRequest) => a.arrivedAt - b.arrivedAt || a.id - b.id;

export function decideAdmission(input: PolicyInput): PolicyDecision {
  return input.settings.policy === 'fifo' ? fifo(input) : batch(input);
}

interface Group {
  worker: PolicyWorker;
  requests: WaitingRequest[];
  oldest: number;
  priority: number;
}

function groupByWorker(input: PolicyInput): Group[] {
  const workers = new Map(input.workers.map((worker) => [worker.name, worker]));
  const groups = new Map<string, Group>();
  for (const request of [...input.requests].sort(byArrival)) {
    let group = groups.get(request.worker);
    if (!group) {
      group = {
        worker: workers.get(request.worker) ?? unknownWorker(request.worker),
        requests: [],
        oldest: request.arrivedAt,
        priority: request.priority,
      };
      groups.set(request.worker, group);
    }
    group.requests.push(request);
    group.priority = Math.max(group.priority, request.priority);
  }
  return [...groups.values()];
}

/** A model loading now: not resident, and some of its requests were let through to its load. */
const isLoading = (group: Group) =>
  !group.worker.resident && group.requests.some((request) => request.admitted);

function batch(input: PolicyInput): PolicyDecision {
  const { now, settings } = input;
  const maxWaitMs = settings.maxWaitSeconds * 1000;
  const residencyMs = settings.minResidencySeconds * 1000;
  const groups = groupByWorker(input);
  const away = groups.filter((group) => !group.worker.resident);
  const starved = away.filter((group) => now - group.oldest >= maxWaitMs);
  const proceed: number[] = [];
  const closed = new Set<string>();

  // The resident models: their waiters are served as a batch while the model is open.
  for (const group of groups.filter((candidate) => candidate.worker.resident)) {
    const { worker } = group;
    const fresh = worker.loadedAt !== null && now - worker.loadedAt < residencyMs;
    for (const request of group.requests) {
      const outranked = away.some((other) => other.priority > request.priority);
      if (request.admitted || worker.pinned || fresh || (starved.length === 0 && !outranked)) {
        proceed.push(request.id);
      } else {
        closed.add(worker.name);
      }
    }
  }

  // The models away: those loading take their newcomers along; the others go in order — past the
  // bound first (oldest first), then by priority, then by arrival. A model that fits in the free
  // memory loads at once (no swap); the first one that needs a swap is loaded next when no load is
  // in progress, and nothing behind it overtakes it.
  const loading = away.filter(isLoading);
  for (const group of loading) for (const request of group.requests) proceed.push(request.id);
  let next: string | null = loading[0]?.worker.name ?? null;
  let freeGb = input.freeGb;
  const ordered = away
    .filter((group) => !isLoading(group))
    .sort((a, b) => {
      const aStarved = now - a.oldest >= maxWaitMs;
      const bStarved = now - b.oldest >= maxWaitMs;
      if (aStarved !== bStarved) return aStarved ? -1 : 1;
      if (!aStarved && a.priority !== b.priority) return b.priority - a.priority;
      return a.oldest - b.oldest || a.worker.name.localeCompare(b.worker.name);
    });
  for (const group of ordered) {
    if (group.worker.loadGb <= freeGb) {
      freeGb -= group.worker.loadGb;
      next ??= group.worker.name;
    } else if (next === null) {
      next = group.worker.name;
    } else {
      break;
    }
    for (const request of group.requests) proceed.push(request.id);
  }
  return { proceed, next, closed: [...closed] };
}

function fifo(input: PolicyInput): PolicyDecision {
  const workers = new Map(input.workers.map((worker) => [worker.name, worker]));
  const loading = new Set(
    input.requests
      .filter((request) => request.admitted && !(workers.get(request.worker)?.resident ?? false))
      .map((request) => request.worker),
  );
  const proceed: number[] = [];
  const closed = new Set<string>();
  let next: string | null = [...loading][0] ?? null;
  let freeGb = input.freeGb;
  // Once a request ahead waits for a load, nothing behind it overtakes it on a resident model.
  let loadAhead = false;
  for (const request of [...input.requests].sort(byArrival)) {
    const worker = workers.get(request.worker) ?? unknownWorker(request.worker);
    if (request.admitted) {
      proceed.push(request.id);
      if (!worker.resident) loadAhead = true;
    } else if (worker.resident) {
      if (loadAhead) {
        closed.add(worker.name);
        break;
      }
      proceed.push(request.id);
    } else if (loading.has(worker.name)) {
      proceed.push(request.id);
      loadAhead = true;
    } else if (worker.loadGb <= freeGb || loading.size === 0) {
      if (worker.loadGb <= freeGb) freeGb -= worker.loadGb;
      loading.add(worker.name);
      next ??= worker.name;
      proceed.push(request.id);
      loadAhead = true;
    } else {
      break;
    }
  }
  return { proceed, next, closed: [...closed] };
}
