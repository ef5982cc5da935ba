// Live health: each ready managed worker's health endpoint is probed on its own schedule, off the
// request path. A process that is alive but fails `failures` probes in a row is hung: the requests it
// holds fail at once (504 worker_hung, or their stream ends early), its process is killed (SIGTERM,
// then SIGKILL) and it restarts on next use — at once when it is preloaded or kept loaded.
// One probe per worker at a time; a probe that fails while the worker finished a request meanwhile
// does not count (a busy worker is slow, not hung); one slow probe alone never declares a hang.
import { GatewayError } from '../errors/index.js';
import { type HealthCheckConfig, isRemote, type ManagedWorkerConfig } from '../registry/index.js';
import type { ProcessRuntime } from './process-runtime.js';
import type { Logger, WorkerLifecycle } from './worker-lifecycle.js';
import { inflightAbortController, urlOf, type WorkerEntry, type WorkerTable } from './worker-table.js';

export interface HealthProbesOptions {
  table: WorkerTable;
  lifecycle: WorkerLifecycle;
  runtime: ProcessRuntime;
  logger: Logger;
  now: () => number;
  /** Called once a hung worker's process is gone (to load it again when it is kept loaded). */
  afterHang?: (entry: WorkerEntry) => void;
}

/** What the probes remember of one worker's current process. */
interface ProbeState {
  generation: number;
  probing: boolean;
  nextAt: number;
  failures: number;
  /** When the first failure of the current run of failures happened. */
  failingSince: number | null;
  lastProblem: string | null;
}

/** How often the scheduler looks for a probe that is due; the shortest useful interval. */
const schedulerTickMs = 100;

export class HealthProbes {
  private timer: NodeJS.Timeout | null = null;
  /** Set by stop(): a probe still in flight then decides nothing (the gateway is shutting down). */
  private stopped = false;
  private readonly states = new WeakMap<WorkerEntry, ProbeState>();
  private readonly probes = new Set<Promise<void>>();

  constructor(private readonly options: HealthProbesOptions) {}

  start(): void {
    this.stop();
    this.stopped = false;
    this.timer = setInterval(() => this.schedule(), schedulerTickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopped = true;
  }

  /** Resolves once the probes in flight (and the hangs they declared) are settled. */
  async settled(): Promise<void> {
    while (this.probes.size > 0) await Promise.allSettled([...this.probes]);
  }

  /** Starts the probes that are due; never waits for one. */
  schedule(): void {
    const now = this.options.now();
    for (const entry of this.options.table.all()) {
      const check = this.checkOf(entry);
      if (check === null || entry.state !== 'ready' || entry.pid === null) continue;
      let state = this.states.get(entry);
      if (!state || state.generation !== entry.generation) {
        // A new process: its count starts over, its first probe one interval after it became ready.
        state = {
          generation: entry.generation,
          probing: false,
          nextAt: now + check.intervalSeconds * 1000,
          failures: 0,
          failingSince: null,
          lastProblem: null,
        };
        this.states.set(entry, state);
      }
      if (state.probing || now < state.nextAt) continue;
      state.probing = true;
      const probe = this.probe(entry, state, check).finally(() => {
        state.probing = false;
        state.nextAt = this.options.now() + check.intervalSeconds * 1000;
        this.probes.delete(probe);
      });
      this.probes.add(probe);
    }
  }

  private checkOf(entry: WorkerEntry): HealthCheckConfig | null {
    if (isRemote(entry.config)) return null; // watched by the monitor pass
    return (entry.config as ManagedWorkerConfig).healthCheck ?? null;
  }

  private async probe(entry: WorkerEntry, state: ProbeState, check: HealthCheckConfig): Promise<void> {
    const { runtime, now } = this.options;
    const config = entry.config as ManagedWorkerConfig;
    const started = now();
    const usedBefore = entry.lastUsed;
    const healthy = await runtime.probeHealth(
      `${urlOf(config)}${config.healthPath}`,
      check.timeoutSeconds * 1000,
    );
    // The answer is about a process that may have been replaced or stopped meanwhile.
    if (this.stopped) return;
    if (state.generation !== entry.generation || entry.state !== 'ready' || entry.pid === null) return;
    // A request that ended meanwhile proves the worker answers: a slow probe of a busy worker is no failure.
    if (healthy || entry.lastUsed !== usedBefore) {
      state.failures = 0;
      state.failingSince = null;
      return;
    }
    state.failures++;
    state.failingSince ??= started;
    state.lastProblem = `no 2xx answer from ${config.healthPath} within ${check.timeoutSeconds} s`;
    if (state.failures < check.failures) return;
    // Alive, yet silent: hung. (A dead process is the exit handler's and the monitor's business.)
    if (!runtime.isAlive(entry.pid)) return;
    await this.declareHung(entry, state);
  }

  private async declareHung(entry: WorkerEntry, state: ProbeState): Promise<void> {
    const { lifecycle, logger } = this.options;
    const pid = entry.pid;
    const since = new Date(state.failingSince ?? this.options.now()).toISOString();
    const why = `worker hung since ${since}: its health check failed ${state.failures} times in a row (${state.lastProblem})`;
    entry.hangs++;
    entry.lastError = why;
    logger.error('worker hung; killing it, it restarts on next use', {
      worker: entry.key,
      pid,
      failures: state.failures,
      since,
      inflight: entry.inflight,
    });
    // Synchronously, in this order: no request may take the worker (terminate marks it stopping at
    // once), then those holding its slots fail at once.
    const termination = lifecycle.terminate(entry, 'hung', true);
    const controller = entry.inflightAbort;
    entry.inflightAbort = inflightAbortController();
    controller.abort(
      new GatewayError(
        'worker_hung',
        `worker "${entry.key}" stopped answering (its health check failed ${state.failures} times in a row since ${since}); it is being restarted`,
      ),
    );
    try {
      await termination;
    } catch (error) {
      logger.error('a hung worker could not be stopped', {
        worker: entry.key,
        pid,
        error: (error as Error).message,
      });
      return;
    }
    // Stopped by the gateway, yet not a clean stop: the status says so until the next load (unless a
    // request started that load already, as soon as the process was gone).
    if (entry.state === 'stopped' && entry.pid === null) {
      // The killed process's exit event may come later: a new generation makes it a no-op, so that it
      // does not overwrite why the worker failed (markExited only touches its own generation).
      entry.generation++;
      entry.state = 'failed';
      entry.lastError = why;
    }
    this.options.afterHang?.(entry);
  }
}
