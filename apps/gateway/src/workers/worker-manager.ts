// The worker manager applies the scheduler's plans to real processes: spawn, wait for health, adopt
// at start-up, terminate (SIGTERM, then SIGKILL, then fail loudly), restart after a crash, measure.
// State changes that decide whether a worker may be used happen synchronously (before any await),
// which in JavaScript is "under the lock": a worker being terminated is never `ready` again.
import type { WorkerState, WorkerStatus } from '@klody/gateway-client/schemas';
import { Mutex, Semaphore } from '../concurrency/index.js';
import { GatewayError } from '../errors/index.js';
import { bytesToGib, type MemoryProbe } from '../system-memory/index.js';
import { isRemote, type ManagedWorkerConfig, type Registry, type WorkerConfig } from '../registry/index.js';
import {
  footprintGb,
  loadPriorGb,
  type Reservation,
  SchedulerLedger,
  type SchedulerWorker,
  SingleFlight,
} from '../scheduler/index.js';
import type { LogFiles } from './log-files.js';
import type { PidRecords } from './pid-records.js';
import type { ProcessRuntime } from './process-runtime.js';
import { createWorkerKey, workerCommand, workerEnvironment } from './worker-command.js';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

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

interface WorkerEntry {
  config: WorkerConfig;
  state: WorkerState;
  pid: number | null;
  adopted: boolean;
  inflight: number;
  /** Requests waiting for the worker to load or for a slot: they make it busy too. */
  queued: number;
  lastUsed: number | null;
  requests: number;
  starts: number;
  evictions: number;
  lastError: string | null;
  measuredGb: number | null;
  /**
   * The largest footprint measured at rest (nothing in flight or queued) during the latest run that
   * had such a measurement: the prior for the next load (see loadPriorGb). At rest, because a request
   * in flight can hold far more than the model does (a huge body, a burst); the latest run, because a
   * peak kept forever locked a model out until the gateway restarted.
   */
  restingGb: number | null;
  /** The generation (spawn) `restingGb` was measured in. */
  restingGeneration: number;
  slots: Semaphore;
  /** Bumped at each spawn, so that the exit of an old process does not touch the new one. */
  generation: number;
  /** Set when the registry no longer lists it: stop when idle. */
  retired: boolean;
  /** When an adopted process was last checked alive (ms). */
  checkedAt: number;
  /** The running process's key (sent as its bearer); null for remote workers and keyless old records. */
  workerKey: string | null;
}

export interface Lease {
  worker: string;
  url: string;
  upstreamModel: string | null;
  /** The bearer key the worker expects from the gateway; null when it has none. */
  workerKey: string | null;
  /** Releases the slot; idempotent, so every path of a request may call it. */
  release(): void;
}

export interface EnsureResult {
  started: boolean;
  evicted: string[];
}

/** Where a load's time went: stop the evicted → their RAM back (measured) → spawn → healthy. */
export interface SwapTimings {
  worker: string;
  evicted: string[];
  /** SIGTERM to the evicted processes being gone. */
  stopMs: number;
  /** From their exit until MemAvailable showed their memory back; null when not seen within 2 s or not measurable. */
  ramRecoveredMs: number | null;
  /** The spawn call itself, until the process has a pid. */
  spawnMs: number;
  /** From the spawn until the health check answered. */
  healthyMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function urlOf(config: WorkerConfig): string {
  return isRemote(config)
    ? config.url.replace(/\/+$/, '').replace(/\/v1$/, '')
    : `http://127.0.0.1:${config.port}`;
}

export class WorkerManager {
  private registry: Registry;
  private configDirectory: string;
  private readonly entries = new Map<string, WorkerEntry>();
  private readonly aliasMap = new Map<string, string>();
  private readonly ledger = new SchedulerLedger();
  private readonly loads = new SingleFlight<EnsureResult>();
  private readonly terminations = new Map<string, Promise<void>>();
  private readonly reserveLock = new Mutex();
  private readonly waiters = new Set<() => void>();
  private monitor: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly killWaitMs: number;
  /** The last loads' timings, newest last (at most 50). */
  readonly swaps: SwapTimings[] = [];

  constructor(private readonly options: WorkerManagerOptions) {
    this.registry = options.registry;
    this.configDirectory = options.configDirectory;
    this.now = options.now ?? Date.now;
    this.killWaitMs = options.killWaitMs ?? 3_000;
    this.applyRegistry(options.registry);
  }

  // ----- registry -----

  private newEntry(config: WorkerConfig): WorkerEntry {
    return {
      config,
      state: isRemote(config) ? 'remote' : 'stopped',
      pid: null,
      adopted: false,
      inflight: 0,
      queued: 0,
      lastUsed: null,
      requests: 0,
      starts: 0,
      evictions: 0,
      lastError: null,
      measuredGb: null,
      restingGb: null,
      restingGeneration: -1,
      slots: new Semaphore(config.slots),
      generation: 0,
      retired: false,
      checkedAt: 0,
      workerKey: null,
    };
  }

  private applyRegistry(registry: Registry): void {
    this.aliasMap.clear();
    for (const config of registry.workers) {
      const existing = this.entries.get(config.name);
      const sameProcess =
        existing &&
        !existing.retired &&
        JSON.stringify(processIdentity(existing.config)) === JSON.stringify(processIdentity(config));
      if (existing && sameProcess) {
        if (existing.config.slots !== config.slots) existing.slots = new Semaphore(config.slots);
        existing.config = config;
      } else if (existing) {
        // Same name, different process: the old one drains and stops; the new one starts on demand.
        existing.retired = true;
        this.entries.delete(config.name);
        this.entries.set(`${config.name}~retired~${existing.generation}`, existing);
        this.entries.set(config.name, this.newEntry(config));
      } else {
        this.entries.set(config.name, this.newEntry(config));
      }
      for (const alias of [config.name, ...config.aliases]) this.aliasMap.set(alias, config.name);
    }
    const names = new Set(registry.workers.map((worker) => worker.name));
    for (const [key, entry] of this.entries) {
      if (!names.has(key) && !entry.retired) entry.retired = true;
    }
    this.registry = registry;
  }

  /** Replaces the registry (SIGHUP): requests in flight finish; removed workers stop once idle. */
  reload(registry: Registry, configDirectory: string): void {
    this.configDirectory = configDirectory;
    this.applyRegistry(registry);
    this.options.logger.info('registry reloaded', { workers: registry.workers.map((worker) => worker.name) });
    void this.stopRetiredIdle();
  }

  get budgetGb(): number {
    return this.registry.budgetGb;
  }

  /** The worker name an alias (or a worker name) routes to; null when unknown. */
  resolve(alias: string): string | null {
    return this.aliasMap.get(alias) ?? null;
  }

  aliases(): string[] {
    return [...this.aliasMap.keys()].sort();
  }

  workerConfigs(): WorkerConfig[] {
    return this.registry.workers;
  }

  private entry(name: string): WorkerEntry {
    const entry = this.entries.get(name);
    if (!entry || entry.retired) throw new GatewayError('model_not_found', `unknown worker "${name}"`);
    return entry;
  }

  // ----- change notification (waiters for room) -----

  private changed(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private waitForChange(signal: AbortSignal | undefined, deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(onChange);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onChange = () => finish(true);
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), Math.max(0, deadline - this.now()));
      this.waiters.add(onChange);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  // ----- scheduling view -----

  private isRunning(entry: WorkerEntry): boolean {
    return (
      entry.state === 'ready' ||
      entry.state === 'starting' ||
      entry.state === 'survivor' ||
      entry.state === 'stopping'
    );
  }

  private schedulerView(): SchedulerWorker[] {
    const view: SchedulerWorker[] = [];
    for (const [key, entry] of this.entries) {
      if (isRemote(entry.config)) continue;
      const managed = entry.config as ManagedWorkerConfig;
      view.push({
        name: key,
        estimatedGb: managed.estimatedGb,
        measuredGb: entry.measuredGb,
        pinned: managed.pinned,
        // A survivor or a worker already stopping cannot be evicted (again): it counts as busy, which
        // makes a plan wait for it rather than give up.
        inflight:
          entry.inflight + entry.queued + (entry.state === 'survivor' || entry.state === 'stopping' ? 1 : 0),
        lastUsed: entry.lastUsed === null ? null : entry.lastUsed / 1000,
        // A starting worker's memory is counted through its reservation.
        running: this.isRunning(entry) && entry.state !== 'starting',
      });
    }
    return view;
  }

  /**
   * The memory the scheduler counts for a worker now: its footprint while it holds memory, the prior
   * of its next load otherwise (shown as `scheduledGb` in the status).
   */
  private plannedGb(entry: WorkerEntry): number {
    if (isRemote(entry.config)) return 0;
    const config = entry.config as ManagedWorkerConfig;
    if (this.isRunning(entry) && entry.state !== 'starting')
      return footprintGb({ estimatedGb: config.estimatedGb, measuredGb: entry.measuredGb });
    return loadPriorGb(
      { estimatedGb: config.estimatedGb, restingGb: entry.restingGb },
      this.registry.budgetGb,
    );
  }

  private usedGb(): number {
    let total = 0;
    for (const entry of this.entries.values()) {
      if (isRemote(entry.config) || !this.isRunning(entry)) continue;
      total += footprintGb({
        estimatedGb: (entry.config as ManagedWorkerConfig).estimatedGb,
        measuredGb: entry.measuredGb,
      });
    }
    return total;
  }

  // ----- ensure -----

  /** Makes the worker resident. Waiting for room counts toward the worker's start timeout. */
  async ensure(
    name: string,
    options: { signal?: AbortSignal; deadline?: number } = {},
  ): Promise<EnsureResult> {
    const entry = this.entry(name);
    if (isRemote(entry.config)) return { started: false, evicted: [] };
    const config = entry.config as ManagedWorkerConfig;
    const deadline = options.deadline ?? this.now() + config.startTimeoutSeconds * 1000;
    for (;;) {
      if (options.signal?.aborted) throw new GatewayError('invalid_request', 'the request was cancelled');
      if ((entry.state === 'ready' || entry.state === 'survivor') && entry.pid !== null) {
        // A process we spawned reports its exit at once (markExited); an adopted one has no exit
        // event, so it is checked here, at most every 250 ms to keep the hot path free of syscalls.
        if (!entry.adopted || this.now() - entry.checkedAt < 250) return { started: false, evicted: [] };
        entry.checkedAt = this.now();
        if (this.options.runtime.isAlive(entry.pid)) return { started: false, evicted: [] };
        this.markExited(entry, entry.generation, 'the process is gone');
      }
      if (this.loads.has(name)) {
        await this.loads.run(name, () => Promise.reject(new Error('unreachable')));
        continue;
      }
      const termination = this.terminations.get(name);
      if (termination) {
        await termination.catch(() => undefined);
        continue;
      }
      const decision = this.ledger.decide(this.schedulerView(), this.registry.budgetGb, {
        worker: name,
        gb: this.plannedGb(entry),
      });
      if ('reservation' in decision) {
        // Synchronously, before any await: the load is registered, so concurrent callers share it.
        return await this.loads.run(name, () => this.load(entry, decision.reservation, deadline));
      }
      const plan = decision.plan;
      if (!plan.retryable) {
        throw new GatewayError('insufficient_memory', `cannot load "${name}": ${plan.message}`);
      }
      const changed = await this.waitForChange(options.signal, deadline);
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

  private async load(entry: WorkerEntry, reservation: Reservation, deadline: number): Promise<EnsureResult> {
    const config = entry.config as ManagedWorkerConfig;
    entry.state = 'starting';
    entry.lastError = null;
    const evicted = [...reservation.evict];
    try {
      const freedBytes = evicted.reduce((sum, name) => {
        const victim = this.entries.get(name);
        return sum + (victim?.measuredGb ?? 0) * 1024 ** 3;
      }, 0);
      const stopStarted = performance.now();
      // Every evicted worker is marked stopping before the first await (terminate does it synchronously),
      // so that no ensure() can find it ready meanwhile.
      const stops = evicted.map((name) => this.terminate(name, 'evicted'));
      // Read at once: the signals were just sent, the processes have not exited yet.
      const availableBefore = evicted.length > 0 ? await this.options.memory.availableBytes() : null;
      const results = await Promise.allSettled(stops);
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw (failure as PromiseRejectedResult).reason;
      const stopped = performance.now();
      for (const name of evicted) {
        const victim = this.entries.get(name);
        if (victim) victim.evictions++;
      }
      // "Recovered" once MemAvailable has grown by half the evicted PSS: part of a PSS is file-backed
      // (shared libraries, the mapped model) that stays in the page cache and was already counted
      // as available; the anonymous part (80 % for the embedded worker) is what comes back.
      const recovery =
        availableBefore !== null && freedBytes > 0
          ? this.watchRecovery(availableBefore + freedBytes * 0.5, stopped)
          : Promise.resolve(null);
      const { spawnMs, healthyMs } = await this.spawnAndWait(entry, config, deadline);
      const timings: SwapTimings = {
        worker: config.name,
        evicted,
        stopMs: Math.round((stopped - stopStarted) * 10) / 10,
        ramRecoveredMs: await recovery,
        spawnMs,
        healthyMs,
      };
      this.swaps.push(timings);
      if (this.swaps.length > 50) this.swaps.shift();
      this.options.logger.info('worker ready', { worker: config.name, pid: entry.pid, evicted, timings });
      return { started: true, evicted };
    } catch (error) {
      if (entry.state === 'starting') entry.state = 'failed';
      entry.lastError = (error as Error).message;
      // A process that died while starting leaves no record behind (one still alive is a survivor).
      if (
        entry.pid !== null &&
        (entry.state as WorkerState) !== 'survivor' &&
        !this.options.runtime.isAlive(entry.pid)
      ) {
        entry.pid = null;
        this.options.records.remove(config.name);
      }
      throw error;
    } finally {
      for (const name of evicted) this.ledger.releaseClaim(name);
      this.ledger.release(reservation);
      this.changed();
    }
  }

  /** Polls MemAvailable until it reaches `targetBytes`: milliseconds since `since`, or null after 2 s. */
  private async watchRecovery(targetBytes: number, since: number): Promise<number | null> {
    const until = since + 2_000;
    while (performance.now() < until) {
      const available = await this.options.memory.availableBytes();
      if (available === null) return null;
      if (available >= targetBytes) return Math.round((performance.now() - since) * 10) / 10;
      await sleep(5);
    }
    return null;
  }

  private async spawnAndWait(
    entry: WorkerEntry,
    config: ManagedWorkerConfig,
    deadline: number,
  ): Promise<{ spawnMs: number; healthyMs: number }> {
    const { runtime, records, logs } = this.options;
    if (await runtime.portInUse(config.port)) {
      throw new GatewayError(
        'worker_start_failed',
        `port ${config.port} of worker "${config.name}" is used by a process this gateway did not start; it is left alone`,
      );
    }
    const command = workerCommand(config, this.configDirectory);
    const workerKey = createWorkerKey();
    const generation = ++entry.generation;
    const spawnStarted = performance.now();
    const spawned = runtime.spawn({
      name: config.name,
      command: command.command,
      args: command.args,
      env: workerEnvironment(config, this.configDirectory, workerKey),
      cwd: config.cwd,
    });
    let exit: { code: number | null; signal: string | null } | null = null;
    void spawned.exited.then((result) => {
      exit = result;
      this.markExited(entry, generation, `exited (code ${result.code}, signal ${result.signal})`);
    });
    if (spawned.pid <= 0) {
      await spawned.exited;
      throw new GatewayError(
        'worker_start_failed',
        `cannot start "${config.name}": ${exit ? (exit as { signal: string | null }).signal : 'no pid'}`,
      );
    }
    const spawnMs = Math.round((performance.now() - spawnStarted) * 10) / 10;
    entry.pid = spawned.pid;
    entry.workerKey = workerKey;
    entry.adopted = false;
    entry.starts++;
    records.write({
      name: config.name,
      pid: spawned.pid,
      port: config.port,
      command: command.command,
      args: command.args,
      startTime: runtime.startTime(spawned.pid),
      startedAt: this.now() / 1000,
      logFile: logs.pathOf(config.name),
      workerKey,
    });
    const url = `${urlOf(config)}${config.healthPath}`;
    let delay = 25;
    while (this.now() < deadline) {
      if (exit !== null || entry.generation !== generation) {
        const tail = logs.tail(config.name, 800).trim();
        throw new GatewayError(
          'worker_start_failed',
          `worker "${config.name}" exited while starting; its log ends with:\n${tail}`,
        );
      }
      if (await runtime.probeHealth(url, 1_000)) {
        if (entry.generation !== generation || exit !== null) continue;
        entry.state = 'ready';
        entry.lastUsed ??= this.now();
        void this.measure(entry);
        return { spawnMs, healthyMs: Math.round((performance.now() - spawnStarted) * 10) / 10 };
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 250);
    }
    // Too slow: stop it (it is ours) and say so.
    await this.terminate(config.name, 'start timeout', true).catch(() => undefined);
    throw new GatewayError(
      'worker_start_timeout',
      `worker "${config.name}" was not healthy within ${config.startTimeoutSeconds} s`,
    );
  }

  /** A spawned or adopted process ended on its own: the next use restarts it. */
  private markExited(entry: WorkerEntry, generation: number, why: string): void {
    if (entry.generation !== generation) return;
    if (entry.state === 'stopping' || entry.state === 'stopped') return;
    const wasReady = entry.state === 'ready';
    entry.state = entry.state === 'starting' ? 'starting' : 'failed';
    entry.lastError = `worker ${why}`;
    entry.pid = entry.state === 'starting' ? entry.pid : null;
    entry.measuredGb = null;
    if (entry.state !== 'starting') this.options.records.remove(entry.config.name);
    if (wasReady)
      this.options.logger.warn('worker exited; it restarts on next use', { worker: entry.config.name, why });
    this.changed();
  }

  // ----- acquire / release -----

  /** Ensures the worker and takes one of its slots (waiting in its bounded queue). */
  async acquire(name: string, options: { signal?: AbortSignal } = {}): Promise<Lease> {
    const entry = this.entry(name);
    const config = entry.config;
    // Everything waiting counts: for a slot, and for the model to load (a burst during a load is
    // bounded too).
    if (entry.queued >= config.queue.max) {
      throw new GatewayError('queue_full', `worker "${name}" has ${entry.queued} requests waiting`, {
        retryAfterSeconds: Math.max(1, Math.ceil(config.queue.timeoutSeconds / 4)),
      });
    }
    entry.queued++;
    let releaseSlot: (() => void) | null = null;
    try {
      await this.ensure(name, options);
      try {
        if (entry.slots.free > 0 && entry.slots.waiting === 0) {
          // The common case, kept cheap: a free slot needs no timer and no combined signal.
          releaseSlot = await entry.slots.acquire();
        } else {
          // A timer that holds its controller, not AbortSignal.timeout: on Node 20 AbortSignal.any
          // holds its sources weakly, and a collected timeout signal never fires.
          const timeout = new AbortController();
          const timer = setTimeout(() => timeout.abort(), config.queue.timeoutSeconds * 1000);
          const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
          try {
            releaseSlot = await entry.slots.acquire(signal);
          } finally {
            clearTimeout(timer);
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
      release: () => {
        if (released) return;
        released = true;
        entry.inflight--;
        entry.requests++;
        entry.lastUsed = this.now();
        releaseSlot?.();
        if (entry.retired && entry.inflight === 0) void this.stopRetiredIdle();
        this.changed();
      },
    };
  }

  // ----- terminate -----

  /**
   * SIGTERM, then SIGKILL after the grace; a process that survives both is restored as `survivor`
   * (its memory still counted) and the call fails loudly. `force` skips the busy check (start timeout).
   */
  terminate(key: string, reason: string, force = false): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry || isRemote(entry.config)) return Promise.resolve();
    const existing = this.terminations.get(key);
    if (existing) return existing;
    const pid = entry.pid;
    if (pid === null || (!this.isRunning(entry) && entry.state !== 'failed')) {
      entry.state = isRemote(entry.config) ? 'remote' : 'stopped';
      return Promise.resolve();
    }
    if (!force && entry.inflight + entry.queued > 0 && reason !== 'shutdown') {
      return Promise.reject(
        new GatewayError('workers_busy', `worker "${key}" is serving ${entry.inflight} requests`),
      );
    }
    // Synchronously: nobody may take the fast path of ensure() from here on.
    const previous = entry.state;
    entry.state = 'stopping';
    const promise = this.kill(entry, key, pid, reason, previous).finally(() => {
      this.terminations.delete(key);
      this.changed();
    });
    this.terminations.set(key, promise);
    return promise;
  }

  private async kill(
    entry: WorkerEntry,
    key: string,
    pid: number,
    reason: string,
    previous: WorkerState,
  ): Promise<void> {
    const { runtime, records, logger } = this.options;
    const config = entry.config as ManagedWorkerConfig;
    const waitGone = async (ms: number) => {
      const until = this.now() + ms;
      while (this.now() < until) {
        if (!runtime.isAlive(pid)) return true;
        await sleep(20);
      }
      return !runtime.isAlive(pid);
    };
    logger.info('stopping worker', { worker: key, pid, reason });
    runtime.signal(pid, 'SIGTERM');
    if (!(await waitGone(config.stopTimeoutSeconds * 1000))) {
      logger.warn('worker ignored SIGTERM; sending SIGKILL', { worker: key, pid });
      runtime.signal(pid, 'SIGKILL');
      if (!(await waitGone(this.killWaitMs))) {
        entry.state = 'survivor';
        entry.lastError = `process ${pid} survived SIGTERM and SIGKILL (was ${previous}); its memory is still counted`;
        logger.error('worker survived SIGKILL', { worker: key, pid });
        throw new GatewayError('worker_survived', `worker "${key}": ${entry.lastError}`);
      }
    }
    entry.state = 'stopped';
    entry.pid = null;
    entry.adopted = false;
    entry.measuredGb = null;
    records.remove(config.name);
    if (entry.retired) this.entries.delete(key);
  }

  private async stopRetiredIdle(): Promise<void> {
    for (const [key, entry] of this.entries) {
      if (!entry.retired || entry.inflight + entry.queued > 0) continue;
      if (entry.pid === null) {
        this.entries.delete(key);
        continue;
      }
      await this.terminate(key, 'removed from the registry').catch((error: Error) =>
        this.options.logger.error('could not stop a retired worker', { worker: key, error: error.message }),
      );
    }
  }

  // ----- admin -----

  async unload(name: string): Promise<boolean> {
    const entry = this.entry(name);
    if (isRemote(entry.config)) return false;
    if (this.loads.has(name)) await this.ensure(name).catch(() => undefined);
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
    await this.terminate(name, 'unload');
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
        return bytes === null ? Math.max(0, this.registry.budgetGb - this.usedGb()) : bytesToGib(bytes);
      };
      let freeGb = await available();
      while (freeGb < gb) {
        const candidate = this.schedulerView()
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
          await this.terminate(candidate.name, `reserve ${gb} GiB`);
          evicted.push(candidate.name);
          const victim = this.entries.get(candidate.name);
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
    const list: WorkerStatus[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.retired && key.includes('~retired~') && entry.pid === null) continue;
      const config = entry.config;
      list.push({
        name: key,
        aliases: config.aliases,
        kind: config.kind,
        state: entry.state,
        pid: entry.pid,
        adopted: entry.adopted,
        pinned: isRemote(config) ? false : config.pinned,
        inflight: entry.inflight,
        queued: entry.queued,
        slots: config.slots,
        lastUsed: entry.lastUsed === null ? null : entry.lastUsed / 1000,
        estimatedGb: isRemote(config) ? 0 : config.estimatedGb,
        measuredGb: entry.measuredGb === null ? null : Math.round(entry.measuredGb * 10_000) / 10_000,
        scheduledGb: Math.round(this.plannedGb(entry) * 10_000) / 10_000,
        url: urlOf(config),
        requests: entry.requests,
        starts: entry.starts,
        lastError: entry.lastError,
      });
    }
    return list;
  }

  summary(): { usedGb: number; budgetGb: number; evictions: Record<string, number> } {
    const evictions: Record<string, number> = {};
    for (const [key, entry] of this.entries) evictions[key] = entry.evictions;
    return {
      usedGb: Math.round(this.usedGb() * 10_000) / 10_000,
      budgetGb: this.registry.budgetGb,
      evictions,
    };
  }

  async availableGb(): Promise<number | null> {
    const bytes = await this.options.memory.availableBytes();
    return bytes === null ? null : Math.round(bytesToGib(bytes) * 1000) / 1000;
  }

  // ----- start-up, monitoring, shutdown -----

  /**
   * Adopts workers recorded under run/ that are still alive and listening on their port (a gateway
   * restart never kills inference). A record whose process is gone, or whose PID now belongs to
   * another process, is dropped, and that process is left alone.
   */
  async adopt(): Promise<string[]> {
    const { records, runtime, logger } = this.options;
    const adopted: string[] = [];
    for (const record of records.list()) {
      const entry = this.entries.get(record.name);
      const config = entry?.config;
      const drop = (why: string) => {
        logger.info('not adopting a recorded worker', { worker: record.name, pid: record.pid, why });
        records.remove(record.name);
      };
      if (!entry || !config || isRemote(config)) {
        if (runtime.isAlive(record.pid) && runtime.isListening(record.pid, record.port) === true) {
          logger.warn('a recorded worker is no longer in the registry; it is left running', {
            worker: record.name,
            pid: record.pid,
          });
        }
        drop('not in the registry');
        continue;
      }
      if (!runtime.isAlive(record.pid)) {
        drop('the process is gone');
        continue;
      }
      const startTime = runtime.startTime(record.pid);
      if (record.startTime !== null && startTime !== null && startTime !== record.startTime) {
        drop('the PID belongs to another process now');
        continue;
      }
      if (record.port !== config.port || runtime.isListening(record.pid, config.port) === false) {
        drop(`the process does not listen on port ${config.port}`);
        continue;
      }
      if (!(await runtime.probeHealth(`${urlOf(config)}${config.healthPath}`, 2_000))) {
        drop('its health check fails');
        continue;
      }
      entry.state = 'ready';
      entry.pid = record.pid;
      entry.workerKey = record.workerKey;
      entry.adopted = true;
      entry.generation++;
      entry.lastUsed = this.now();
      adopted.push(record.name);
      void this.measure(entry);
      logger.info('adopted worker', { worker: record.name, pid: record.pid });
    }
    return adopted;
  }

  private async measure(entry: WorkerEntry): Promise<void> {
    if (entry.pid === null) return;
    const bytes = await this.options.memory.processTreeBytes(entry.pid).catch(() => null);
    if (bytes !== null && entry.pid !== null && (entry.state === 'ready' || entry.state === 'survivor')) {
      entry.measuredGb = bytesToGib(bytes);
      if (entry.inflight + entry.queued === 0) {
        const sameRun = entry.restingGeneration === entry.generation;
        entry.restingGb = sameRun ? Math.max(entry.restingGb ?? 0, entry.measuredGb) : entry.measuredGb;
        entry.restingGeneration = entry.generation;
      }
    }
  }

  /** Periodic work: measure memory, notice dead adopted workers, stop idle ones past their TTL, rotate logs. */
  startMonitor(intervalMs = this.registry.measureIntervalSeconds * 1000): void {
    this.monitor = setInterval(() => void this.tick(), intervalMs);
    this.monitor.unref();
  }

  tick(): Promise<void> {
    // One pass at a time; a caller arriving meanwhile waits for the pass in progress.
    this.ticking ??= this.runTick().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async runTick(): Promise<void> {
    for (const [key, entry] of this.entries) {
      try {
        await this.tickWorker(key, entry);
      } catch (error) {
        // Monitoring must never bring the gateway down (a full disk while rotating a log, …).
        this.options.logger.error('monitoring a worker failed', {
          worker: key,
          error: (error as Error).message,
        });
      }
    }
  }

  private async tickWorker(key: string, entry: WorkerEntry): Promise<void> {
    if (isRemote(entry.config)) {
      // A remote server is never managed, only watched: its failure shows in status and /health.
      const health = entry.config.healthPath;
      if (health) {
        const ok = await this.options.runtime.probeHealth(`${urlOf(entry.config)}${health}`, 2_000);
        entry.lastError = ok ? null : `remote health check ${urlOf(entry.config)}${health} failed`;
      }
      return;
    }
    if (entry.pid === null) return;
    if ((entry.state === 'ready' || entry.state === 'survivor') && !this.options.runtime.isAlive(entry.pid)) {
      this.markExited(entry, entry.generation, 'is gone');
      return;
    }
    await this.measure(entry);
    this.options.logs.rotateIfLarge(entry.config.name);
    const ttl = (entry.config as ManagedWorkerConfig).idleTtlSeconds;
    if (
      ttl !== null &&
      entry.state === 'ready' &&
      entry.inflight + entry.queued === 0 &&
      entry.lastUsed !== null &&
      this.now() - entry.lastUsed > ttl * 1000
    ) {
      await this.terminate(key, 'idle TTL').catch(() => undefined);
    }
  }

  /**
   * Stops the manager. Without `workers`, the worker processes keep running, recorded for adoption
   * (CONTRACTS.md "Stopping"); with it, every managed worker is terminated too.
   */
  async shutdown(options: { workers: boolean }): Promise<{ stopped: string[]; failed: string[] }> {
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = null;
    const stopped: string[] = [];
    const failed: string[] = [];
    if (options.workers) {
      await Promise.all(
        [...this.entries.keys()].map(async (key) => {
          const entry = this.entries.get(key);
          if (!entry || entry.pid === null || isRemote(entry.config)) return;
          try {
            await this.terminate(key, 'shutdown', true);
            stopped.push(key);
          } catch {
            failed.push(key);
          }
        }),
      );
    }
    return { stopped, failed };
  }
}

/** What makes two configurations the same running process (a reload that changes only aliases keeps it). */
function processIdentity(config: WorkerConfig): unknown {
  if (isRemote(config)) return { url: config.url };
  return {
    command: config.command,
    args: config.args,
    env: config.env,
    embedded: config.embedded,
    port: config.port,
    cwd: config.cwd,
  };
}
