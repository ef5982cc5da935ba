// Swap-aware scheduling, applied: the requests waiting for their model's turn, and the pure policy
// (scheduler/batch-policy.ts) run over them and the worker table whenever something changes — a
// request arrives or leaves, a lease is released, a load ends, a worker stops. A request it lets
// through goes on to the worker manager's ensure (load, or wait for memory) and slot queue as before.
// The hot path stays free: a request for a resident model while nothing waits passes at once, with
// no timer and no promise of its own.
import { GatewayError } from '../errors/index.js';
import { isRemote, type ManagedWorkerConfig } from '../registry/index.js';
import {
  decideAdmission,
  footprintGb,
  type PolicyWorker,
  type SchedulerLedger,
  type WaitingRequest,
} from '../scheduler/index.js';
import type { ChangeNotifier } from './change-notifier.js';
import { plannedGb, schedulerView } from './scheduling-view.js';
import type { WorkerEntry, WorkerTable } from './worker-table.js';

export interface Admission {
  /** The start deadline, counted from the request's arrival; undefined when it did not wait here. */
  deadline: number | undefined;
  /** The request no longer waits for its model (it has it, or it failed). Idempotent. */
  leave(): void;
}

export interface RequestSchedulerOptions {
  table: WorkerTable;
  ledger: SchedulerLedger;
  notifier: ChangeNotifier;
  now: () => number;
}

interface Waiter {
  request: WaitingRequest;
  entry: WorkerEntry;
  /** The worker's generation when the request was let through: a new one by `leave` was loaded for it. */
  generation: number;
  resolve: () => void;
}

/** Ready to serve now (ensure hands out a survivor too). */
const isResident = (entry: WorkerEntry) =>
  (entry.state === 'ready' || entry.state === 'survivor') && entry.pid !== null;

const passedAtOnce: Admission = { deadline: undefined, leave: () => {} };

export class RequestScheduler {
  private readonly waiting = new Map<number, Waiter>();
  /** When each worker became resident for a request that waited for it (its generation then). */
  private readonly residentSince = new WeakMap<WorkerEntry, { generation: number; at: number }>();
  private nextId = 1;

  constructor(private readonly options: RequestSchedulerOptions) {
    options.notifier.onChange(() => {
      if (this.waiting.size > 0) this.evaluate();
    });
  }

  /** Requests for this worker waiting for their turn (not yet counted in its queue). */
  waitingFor(entry: WorkerEntry): number {
    if (this.waiting.size === 0) return 0;
    let count = 0;
    for (const waiter of this.waiting.values())
      if (waiter.entry === entry && !waiter.request.admitted) count++;
    return count;
  }

  /**
   * Resolves when the request may go on to its worker; from then on it counts in `entry.queued`
   * (synchronously, when it is let through, so that the worker it needs is busy before any await).
   * Rejects with `workers_busy` when its turn has not come within the worker's start timeout.
   */
  async admit(entry: WorkerEntry, options: { signal?: AbortSignal; priority?: number }): Promise<Admission> {
    if (isRemote(entry.config) || (this.waiting.size === 0 && isResident(entry))) {
      entry.queued++;
      return passedAtOnce;
    }
    const config = entry.config as ManagedWorkerConfig;
    const arrivedAt = this.options.now();
    const deadline = arrivedAt + config.startTimeoutSeconds * 1000;
    const waiter: Waiter = {
      request: {
        id: this.nextId++,
        worker: entry.key,
        arrivedAt,
        priority: options.priority ?? config.priority,
        admitted: false,
      },
      entry,
      generation: entry.generation,
      resolve: () => {},
    };
    const admission: Admission = {
      deadline,
      leave: () => {
        if (!this.waiting.delete(waiter.request.id)) return;
        this.noteResidency(waiter);
        if (this.waiting.size > 0) this.evaluate();
      },
    };
    this.waiting.set(waiter.request.id, waiter);
    this.evaluate();
    if (waiter.request.admitted) return admission;
    const { signal } = options;
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (error?: GatewayError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (!error) return resolve();
        this.waiting.delete(waiter.request.id);
        if (this.waiting.size > 0) this.evaluate();
        reject(error);
      };
      const onAbort = () => finish(new GatewayError('invalid_request', 'the request was cancelled'));
      const timer = setTimeout(
        () =>
          finish(
            new GatewayError(
              'workers_busy',
              `cannot serve "${entry.key}" within ${config.startTimeoutSeconds} s: it waited for its turn while other models were served (scheduler policy "${this.options.table.registry.scheduler.policy}")`,
              { retryAfterSeconds: 5 },
            ),
          ),
        Math.max(0, deadline - this.options.now()),
      );
      waiter.resolve = () => finish();
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    return admission;
  }

  /** Runs the policy and lets through the requests it allows. */
  private evaluate(): void {
    const { table, ledger, now } = this.options;
    const entries = new Set<WorkerEntry>();
    for (const waiter of this.waiting.values()) entries.add(waiter.entry);
    for (const entry of table.all()) if (isResident(entry)) entries.add(entry);
    const budgetGb = table.budgetGb;
    const workers: PolicyWorker[] = [];
    for (const entry of entries) {
      if (isRemote(entry.config)) continue;
      const since = this.residentSince.get(entry);
      workers.push({
        name: entry.key,
        resident: isResident(entry),
        loadedAt: since && since.generation === entry.generation ? since.at : null,
        pinned: (entry.config as ManagedWorkerConfig).pinned,
        loadGb: plannedGb(entry, budgetGb),
      });
    }
    // What the budget has free without evicting anyone (the ledger's view: loads in progress count).
    let usedGb = ledger.reservedGb;
    for (const worker of schedulerView(table.all()))
      if (worker.running && !ledger.claimed.has(worker.name)) usedGb += footprintGb(worker);
    const decision = decideAdmission({
      requests: [...this.waiting.values()].map((waiter) => waiter.request),
      workers,
      freeGb: budgetGb - usedGb,
      now: now(),
      settings: table.registry.scheduler,
    });
    for (const id of decision.proceed) {
      const waiter = this.waiting.get(id);
      if (!waiter || waiter.request.admitted) continue;
      waiter.request.admitted = true;
      waiter.generation = waiter.entry.generation;
      waiter.entry.queued++;
      waiter.resolve();
    }
  }

  /** A request leaving with its worker loaded since it was let through: the residency starts now. */
  private noteResidency(waiter: Waiter): void {
    const { entry } = waiter;
    if (!waiter.request.admitted || !isResident(entry) || entry.generation === waiter.generation) return;
    if (this.residentSince.get(entry)?.generation === entry.generation) return;
    this.residentSince.set(entry, { generation: entry.generation, at: this.options.now() });
  }
}
