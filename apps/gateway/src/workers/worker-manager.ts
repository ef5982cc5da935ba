// The worker manager applies the scheduler's plans to real processes: it makes a worker resident
// (ensure), hands out its slots (acquire/release), unloads it, and frees memory on demand (reserve).
// It composes the rest of this folder: the worker table and retirement (worker-table.ts), the
// scheduler's view of it (scheduling-view.ts), the processes' lifecycle — spawn, health, adoption,
// termination, measurement (worker-lifecycle.ts) —, loads and their timings (worker-load.ts), the
// periodic monitor (worker-monitor.ts) and the status report (worker-status.ts).
// State changes that decide whether a worker may be used happen synchronously (before any await),
// which in JavaScript is "under the lock": a worker being terminated is never `ready` again.
import type { WorkerState, WorkerStatus } from '@klody/gateway-client/schemas';
import { startTimeLimit } from '@klody/service';
import { Mutex } from '../concurrency/index.js';
import { GatewayError } from '../errors/index.js';
import { isRemote, type ManagedWorkerConfig, type Registry, type WorkerConfig } from '../registry/index.js';
import { planEviction, SchedulerLedger, SingleFlight } from '../scheduler/index.js';
import { bytesToGib, type MemoryProbe } from '../system-memory/index.js';
import { ChangeNotifier } from './change-notifier.js';
import { ContextLengths } from './context-length.js';
import { HealthProbes } from './health-probes.js';
import type { LogFiles } from './log-files.js';
import type { PidRecords } from './pid-records.js';
import { Preloader } from './preload.js';
import type { ProcessRuntime } from './process-runtime.js';
import { RequestScheduler } from './request-scheduler.js';
import { plannedGb, schedulerView, usedGb } from './scheduling-view.js';
import { type Logger, WorkerLifecycle } from './worker-lifecycle.js';
import { type EnsureResult, type SwapTimings, WorkerLoads } from './worker-load.js';
import { WorkerMonitor } from './worker-monitor.js';
import { workerStatus, workerSummary } from './worker-status.js';
import { urlOf, type WorkerEntry, WorkerTable } from './worker-table.js';

export interface WorkerManagerOptions {
  registry: Registry;
  configDirectory: string;
  runtime: ProcessRuntime;
  records: PidRecords;
  logs: LogFiles;
  memory: MemoryProbe;
  logger: Logger;
  /** Milliseconds since the epoch; injected for tests. */
  now?: () => number;
  /** Wait after SIGKILL before declaring a survivor. */
  killWaitMs?: number;
}

export interface Lease {
  worker: string;
  url: string;
  upstreamModel: string | null;
  /** The bearer key the worker expects from the gateway; null when it has none. */
  workerKey: string | null;
  /** Aborted (reason: a GatewayError worker_hung) when the worker is declared hung: fail the request at once. */
  signal: AbortSignal;
  /** Releases the slot; idempotent, so every path of a request may call it. */
  release(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class WorkerManager {
  private readonly table: WorkerTable;
  private readonly ledger = new SchedulerLedger();
  private readonly loads = new SingleFlight<EnsureResult>();
  private readonly reserveLock = new Mutex();
  private readonly notifier: ChangeNotifier;
  private readonly lifecycle: WorkerLifecycle;
  private readonly loader: WorkerLoads;
  private readonly monitor: WorkerMonitor;
  private readonly requests: RequestScheduler;
  private readonly contextLengths = new ContextLengths();
  private readonly probes: HealthProbes;
  private readonly preloader: Preloader;
  private readonly now: () => number;

  constructor(private readonly options: WorkerManagerOptions) {
    const { runtime, records, logs, memory, logger } = options;
    const now = options.now ?? Date.now;
    this.now = now;
    this.table = new WorkerTable(options.registry, options.configDirectory);
    this.notifier = new ChangeNotifier(now);
    const table = this.table;
    const notifier = this.notifier;
    const killWaitMs = options.killWaitMs ?? 3_000;
    this.lifecycle = new WorkerLifecycle({
      table,
      runtime,
      records,
      logs,
      memory,
      logger,
      notifier,
      now,
      killWaitMs,
      onReady: (entry) => void this.contextLengths.learn(entry),
    });
    const lifecycle = this.lifecycle;
    this.loader = new WorkerLoads({
      table,
      lifecycle,
      ledger: this.ledger,
      memory,
      notifier,
      logger,
      isAlive: (pid) => runtime.isAlive(pid),
    });
    this.monitor = new WorkerMonitor({ table, lifecycle, runtime, logs, logger, now });
    this.requests = new RequestScheduler({ table, ledger: this.ledger, notifier, now });
    this.preloader = new Preloader({
      table,
      logger,
      now,
      ensure: (name) => this.ensure(name),
      fitsWithoutEviction: (name) => this.fitsWithoutEviction(name),
    });
    const afterPass = () => this.preloader.keepLoaded();
    this.monitor = new WorkerMonitor({ table, lifecycle, runtime, logs, logger, now, afterPass });
    const afterHang = (entry: WorkerEntry) => this.preloader.restart(entry);
    this.probes = new HealthProbes({ table, lifecycle, runtime, logger, now, afterHang });
  }

  /** The last loads' timings, newest last (at most 50). */
  get swaps(): SwapTimings[] {
    return this.loader.swaps;
  }

  // ----- registry -----

  /** Replaces the registry (SIGHUP): requests in flight finish; removed workers stop once idle. */
  reload(registry: Registry, configDirectory: string): void {
    this.table.apply(registry, configDirectory);
    this.options.logger.info('registry reloaded', { workers: registry.workers.map((worker) => worker.name) });
    void this.lifecycle.stopIdleRetired();
  }

  get budgetGb(): number {
    return this.table.budgetGb;
  }

  /** The worker name an alias (or a worker name) routes to; null when unknown. */
  resolve(alias: string): string | null {
    return this.table.resolve(alias);
  }

  /** An alias's worker and, when the alias is a variant's, that variant; null when unknown. */
  resolveModel(alias: string): { worker: string; variant: ReturnType<WorkerTable['variant']> } | null {
    const worker = this.table.resolve(alias);
    return worker === null ? null : { worker, variant: this.table.variant(alias) };
  }

  aliases(): string[] {
    return this.table.aliases();
  }

  workerConfigs(): WorkerConfig[] {
    return this.table.workerConfigs();
  }

  /** The worker's lifecycle state now; null when the registry lists no such worker. */
  stateOf(name: string): WorkerState | null {
    return this.table.listedEntry(name)?.state ?? null;
  }

  /** The worker's context length in tokens (the registry's, else what it reported); null when unknown. */
  contextLength(name: string): number | null {
    const entry = this.table.listedEntry(name);
    return entry ? this.contextLengths.of(entry) : null;
  }

  /** The registry's routes (replicas and fallbacks) and circuit breaker defaults, as last loaded. */
  routing(): Pick<Registry, 'routes' | 'circuitBreaker'> {
    return this.table.registry;
  }

  // ----- ensure -----

  /** Makes the worker resident. Waiting for room counts toward the worker's start timeout. */
  async ensure(
    name: string,
    options: { signal?: AbortSignal; deadline?: number } = {},
  ): Promise<EnsureResult> {
    const entry = this.table.entry(name);
    if (isRemote(entry.config)) return { started: false, evicted: [] };
    const config = entry.config as ManagedWorkerConfig;
    const deadline = options.deadline ?? this.now() + config.startTimeoutSeconds * 1000;
    for (;;) {
      if ((entry.state === 'ready' || entry.state === 'survivor') && entry.pid !== null) {
        // A process we spawned reports its exit at once (markExited); an adopted one has no exit
        // event, so it is checked here, at most every 250 ms to keep the hot path free of syscalls.
        if (!entry.adopted || this.now() - entry.checkedAt < 250) return { started: false, evicted: [] };
        entry.checkedAt = this.now();
        if (this.options.runtime.isAlive(entry.pid)) return { started: false, evicted: [] };
        this.lifecycle.markExited(entry, entry.generation, 'the process is gone');
      }
      // Checked once there is something to wait for: a resident worker returns without reading the
      // signal, which a caller may make only when read (Node 20 makes an AbortSignal in ~9 µs).
      if (options.signal?.aborted) throw new GatewayError('invalid_request', 'the request was cancelled');
      const load = this.loads.join(name);
      if (load) {
        await load;
        continue;
      }
      const termination = this.lifecycle.terminating(entry);
      if (termination) {
        await termination.catch(() => undefined);
        continue;
      }
      const decision = this.ledger.decide(schedulerView(this.table.all()), this.table.budgetGb, {
        worker: name,
        gb: plannedGb(entry, this.table.budgetGb),
      });
      if ('reservation' in decision) {
        // Synchronously, before any await: the load is registered, so concurrent callers share it.
        return await this.loads.run(name, () => this.loader.load(entry, decision.reservation, deadline));
      }
      const plan = decision.plan;
      if (!plan.retryable) {
        throw new GatewayError('insufficient_memory', `cannot load "${name}": ${plan.message}`);
      }
      const changed = await this.notifier.wait(options.signal, deadline);
      if (!changed) {
        if (options.signal?.aborted) throw new GatewayError('invalid_request', 'the request was cancelled');
        throw new GatewayError(
          'workers_busy',
          `cannot load "${name}" within ${config.startTimeoutSeconds} s: ${plan.message}`,
          {
            retryAfterSeconds: 5,
          },
        );
      }
    }
  }

  // ----- acquire / release -----

  /**
   * Ensures the worker and takes one of its slots (waiting in its bounded queue). `priority` (the
   * worker's by default) orders the models waiting for their turn (swap-aware scheduling).
   */
  async acquire(name: string, options: { signal?: AbortSignal; priority?: number } = {}): Promise<Lease> {
    const entry = this.table.entry(name);
    const config = entry.config;
    // Everything waiting counts: for its turn, for a slot, and for the model to load (a burst during
    // a load is bounded too).
    const waiting = entry.queued + this.requests.waitingFor(entry);
    if (waiting >= config.queue.max) {
      throw new GatewayError('queue_full', `worker "${name}" has ${waiting} requests waiting`, {
        retryAfterSeconds: Math.max(1, Math.ceil(config.queue.timeoutSeconds / 4)),
      });
    }
    // Its turn among requests for other models (request-scheduler.ts); once let through, it counts
    // in entry.queued, which the finally below gives back.
    const admission = await this.requests.admit(entry, options);
    let releaseSlot: (() => void) | null = null;
    try {
      try {
        // The signal is read only when there is something to wait for: a caller may make it lazily.
        await this.ensure(name, {
          get signal() {
            return options.signal;
          },
          deadline: admission.deadline,
        });
      } finally {
        admission.leave();
      }
      try {
        if (entry.slots.free > 0 && entry.slots.waiting === 0) {
          // The common case, kept cheap: a free slot needs no timer and no combined signal.
          releaseSlot = await entry.slots.acquire();
        } else {
          // A limit held by its timer: an AbortSignal.timeout that only AbortSignal.any refers to can
          // be collected on Node 20, and never fire.
          const limit = startTimeLimit(config.queue.timeoutSeconds * 1000, 'queue timeout');
          const signal = options.signal ? AbortSignal.any([options.signal, limit.signal]) : limit.signal;
          try {
            releaseSlot = await entry.slots.acquire(signal);
          } finally {
            limit.clear();
          }
        }
      } catch {
        if (options.signal?.aborted) throw new GatewayError('invalid_request', 'the request was cancelled');
        throw new GatewayError(
          'queue_timeout',
          `no slot of worker "${name}" freed within ${config.queue.timeoutSeconds} s`,
          {
            retryAfterSeconds: Math.max(1, Math.ceil(config.queue.timeoutSeconds / 4)),
          },
        );
      }
    } finally {
      entry.queued--;
    }
    entry.inflight++;
    let released = false;
    return {
      worker: name,
      url: urlOf(config),
      upstreamModel: config.upstreamModel ?? null,
      workerKey: entry.workerKey,
      signal: entry.inflightAbort.signal,
      release: () => {
        if (released) return;
        released = true;
        entry.inflight--;
        entry.requests++;
        entry.lastUsed = this.now();
        releaseSlot?.();
        if (this.table.isRetired(entry) && entry.inflight === 0) void this.lifecycle.stopIdleRetired();
        this.notifier.notify();
      },
    };
  }

  // ----- terminate, admin -----

  /**
   * SIGTERM, then SIGKILL after the grace; a process that survives both is restored as `survivor`
   * (its memory still counted) and the call fails loudly. `force` skips the busy check (start timeout).
   * `key` is a worker's name, or a retired worker's key as the status shows it.
   */
  terminate(key: string, reason: string, force = false): Promise<void> {
    return this.lifecycle.terminate(key, reason, force);
  }

  async unload(name: string): Promise<boolean> {
    const entry = this.table.entry(name);
    if (isRemote(entry.config)) return false;
    // A load in flight finishes first (whatever its outcome): then there is a process to stop, or none.
    await this.loads.join(name)?.catch(() => undefined);
    if (entry.pid === null || entry.state === 'stopped' || entry.state === 'failed') {
      entry.state = 'stopped';
      return false;
    }
    if (entry.inflight + entry.queued > 0) {
      throw new GatewayError(
        'workers_busy',
        `worker "${name}" is serving ${entry.inflight} requests (${entry.queued} waiting)`,
        {
          retryAfterSeconds: 5,
        },
      );
    }
    await this.lifecycle.terminate(entry, 'unload');
    return true;
  }

  /**
   * One-shot (CONTRACTS.md): evicts idle, unpinned workers, least recently used first, until the
   * measured available memory reaches `gb` or nothing more can go; reports what is really free.
   */
  reserve(gb: number): Promise<{ satisfied: boolean; freeGb: number; evicted: string[] }> {
    return this.reserveLock.run(async () => {
      const evicted: string[] = [];
      const available = async () => {
        const bytes = await this.options.memory.availableBytes();
        // No measurement on this platform: the budget's free part is the best we know.
        return bytes === null
          ? Math.max(0, this.table.budgetGb - usedGb(this.table.all()))
          : bytesToGib(bytes);
      };
      let freeGb = await available();
      while (freeGb < gb) {
        const candidate = schedulerView(this.table.all())
          .filter(
            (worker) =>
              worker.running &&
              !worker.pinned &&
              worker.inflight === 0 &&
              !this.ledger.claimed.has(worker.name),
          )
          .sort((a, b) => (a.lastUsed ?? 0) - (b.lastUsed ?? 0))[0];
        if (!candidate) break;
        try {
          await this.lifecycle.terminate(candidate.name, `reserve ${gb} GiB`);
          evicted.push(candidate.name);
          const victim = this.table.find(candidate.name);
          if (victim) victim.evictions++;
        } catch (error) {
          this.options.logger.error('reserve could not evict', {
            worker: candidate.name,
            error: (error as Error).message,
          });
          break;
        }
        // The kernel returns a dead process's pages at once; a short settle covers page-cache accounting.
        await sleep(50);
        freeGb = await available();
      }
      return { satisfied: freeGb >= gb, freeGb: Math.round(freeGb * 1000) / 1000, evicted };
    });
  }

  status(): WorkerStatus[] {
    return workerStatus(this.table);
  }

  summary(): { usedGb: number; budgetGb: number; evictions: Record<string, number> } {
    return workerSummary(this.table);
  }

  async availableGb(): Promise<number | null> {
    const bytes = await this.options.memory.availableBytes();
    return bytes === null ? null : Math.round(bytesToGib(bytes) * 1000) / 1000;
  }

  // ----- start-up, monitoring, shutdown -----

  /**
   * Adopts workers recorded under run/ that are still alive and listening on their port (a gateway
   * restart never kills inference).
   */
  adopt(): Promise<string[]> {
    return this.lifecycle.adopt();
  }

  /** Periodic work: measure memory, notice dead adopted workers, stop idle ones past their TTL, rotate logs. */
  startMonitor(intervalMs = this.table.registry.measureIntervalSeconds * 1000): void {
    this.monitor.start(intervalMs);
    this.probes.start();
  }

  /** Loads the workers marked `preload` or `keepLoaded` (start-up, after adoption); never rejects. */
  preload(): Promise<void> {
    return this.preloader.preloadAll();
  }

  /** Whether the worker could load now without evicting another worker (nor waiting for room). */
  private fitsWithoutEviction(name: string): boolean {
    const entry = this.table.entry(name);
    if (this.loads.join(name) || this.lifecycle.terminating(entry)) return false;
    const plan = planEviction({
      workers: schedulerView(this.table.all()),
      budgetGb: this.table.budgetGb,
      need: { worker: name, gb: plannedGb(entry, this.table.budgetGb) },
      claimed: this.ledger.claimed,
      reservedGb: this.ledger.reservedGb,
    });
    return plan.fits && plan.evict.length === 0;
  }

  tick(): Promise<void> {
    return this.monitor.tick();
  }

  /**
   * Stops the manager. Without `workers`, the worker processes keep running, recorded for adoption
   * (CONTRACTS.md "Stopping"); with it, every managed worker is terminated too.
   */
  async shutdown(options: { workers: boolean }): Promise<{ stopped: string[]; failed: string[] }> {
    this.monitor.stop();
    this.probes.stop();
    this.preloader.stop();
    // A preload in flight would start a process after the loop below: it ends first.
    if (options.workers) await this.preloader.settled();
    const stopped: string[] = [];
    const failed: string[] = [];
    if (options.workers) {
      await Promise.all(
        this.table.all().map(async (entry) => {
          if (entry.pid === null || isRemote(entry.config)) return;
          try {
            await this.lifecycle.terminate(entry, 'shutdown', true);
            stopped.push(entry.key);
          } catch {
            failed.push(entry.key);
          }
        }),
      );
    }
    return { stopped, failed };
  }
}
