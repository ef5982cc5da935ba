// The worker processes' lifecycle: spawn and wait for health, adopt at start-up, terminate (SIGTERM,
// then SIGKILL, then fail loudly), notice an exit, measure. State changes that decide whether a worker
// may be used happen synchronously (before any await), which in JavaScript is "under the lock": a
// worker being terminated is never `ready` again.
import { stopProcessGroup, waitForHealthy } from '@klody/service/process';
import { GatewayError } from '../errors/index.js';
import { isRemote, type ManagedWorkerConfig } from '../registry/index.js';
import { bytesToGib, type MemoryProbe } from '../system-memory/index.js';
import type { ChangeNotifier } from './change-notifier.js';
import type { LogFiles } from './log-files.js';
import type { PidRecords } from './pid-records.js';
import type { ProcessRuntime } from './process-runtime.js';
import { createWorkerKey, workerCommand, workerEnvironment } from './worker-command.js';
import { isRunning, urlOf, type WorkerEntry, type WorkerTable } from './worker-table.js';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface WorkerLifecycleOptions {
  table: WorkerTable;
  runtime: ProcessRuntime;
  records: PidRecords;
  logs: LogFiles;
  memory: MemoryProbe;
  logger: Logger;
  notifier: ChangeNotifier;
  now: () => number;
  /** Wait after SIGKILL before declaring a survivor. */
  killWaitMs: number;
  /** Called when a spawned or adopted worker has become ready (context-length.ts asks it then). */
  onReady?: (entry: WorkerEntry) => void;
}

export class WorkerLifecycle {
  private readonly terminations = new Map<WorkerEntry, Promise<void>>();

  constructor(private readonly options: WorkerLifecycleOptions) {}

  /** Spawns the worker and waits until its health check answers, until the deadline. */
  async spawnAndWait(entry: WorkerEntry, deadline: number): Promise<{ spawnMs: number; healthyMs: number }> {
    const { runtime, records, logs, table, now } = this.options;
    const config = entry.config as ManagedWorkerConfig;
    if (await runtime.portInUse(config.port)) {
      throw new GatewayError(
        'worker_start_failed',
        `port ${config.port} of worker "${config.name}" is used by a process this gateway did not start; it is left alone`,
      );
    }
    const command = workerCommand(config, table.configDirectory);
    const workerKey = createWorkerKey();
    const generation = ++entry.generation;
    const spawnStarted = performance.now();
    const spawned = runtime.spawn({
      name: config.name,
      command: command.command,
      args: command.args,
      env: workerEnvironment(config, table.configDirectory, workerKey),
      cwd: config.cwd,
    });
    let exit: { code: number | null; signal: string | null } | null = null;
    // Its exit ends the wait for its health at once.
    const exited = new AbortController();
    void spawned.exited.then((result) => {
      exit = result;
      exited.abort();
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
      startedAt: now() / 1000,
      logFile: logs.pathOf(config.name),
      workerKey,
    });
    const exitedWhileStarting = () =>
      new GatewayError(
        'worker_start_failed',
        `worker "${config.name}" exited while starting; its log ends with:\n${logs.tail(config.name, 800).trim()}`,
      );
    let healthy: boolean;
    try {
      const answer = await waitForHealthy(`${urlOf(config)}${config.healthPath}`, {
        timeoutMs: deadline - now(),
        signal: exited.signal,
        probeTimeoutMs: 1_000,
        probe: (url, timeoutMs) => runtime.probeHealth(url, timeoutMs),
      });
      healthy = answer.healthy;
    } catch (error) {
      if (exited.signal.aborted) throw exitedWhileStarting();
      throw error;
    }
    // A health answer does not count once the process has exited, or been replaced by another spawn.
    if (exit !== null || entry.generation !== generation) throw exitedWhileStarting();
    if (healthy) {
      entry.state = 'ready';
      entry.lastUsed ??= now();
      void this.measure(entry);
      this.options.onReady?.(entry);
      return { spawnMs, healthyMs: Math.round((performance.now() - spawnStarted) * 10) / 10 };
    }
    // Too slow: stop it (it is ours) and say so.
    await this.terminate(entry, 'start timeout', true).catch(() => undefined);
    throw new GatewayError(
      'worker_start_timeout',
      `worker "${config.name}" was not healthy within ${config.startTimeoutSeconds} s`,
    );
  }

  /** A spawned or adopted process ended on its own: the next use restarts it. */
  markExited(entry: WorkerEntry, generation: number, why: string): void {
    if (entry.generation !== generation) return;
    if (entry.state === 'stopping' || entry.state === 'stopped') return;
    const wasReady = entry.state === 'ready';
    const pid = entry.pid;
    entry.state = entry.state === 'starting' ? 'starting' : 'failed';
    entry.lastError = `worker ${why}`;
    entry.pid = entry.state === 'starting' ? entry.pid : null;
    entry.measuredGb = null;
    if (entry.state !== 'starting') this.forgetRecord(entry, pid);
    if (wasReady)
      this.options.logger.warn('worker exited; it restarts on next use', { worker: entry.config.name, why });
    this.options.notifier.notify();
  }

  /**
   * Removes the PID record of the worker's process, and only its own: a worker that replaced it under
   * the same name (a reload) may have written its record already. An unreadable record goes too.
   */
  forgetRecord(entry: WorkerEntry, pid: number | null): void {
    const { records } = this.options;
    const record = records.read(entry.config.name);
    if (record === null || record.pid === pid) records.remove(entry.config.name);
  }

  /** The termination in progress for the worker, if any. */
  terminating(entry: WorkerEntry): Promise<void> | undefined {
    return this.terminations.get(entry);
  }

  /**
   * SIGTERM, then SIGKILL after the grace; a process that survives both is restored as `survivor`
   * (its memory still counted) and the call fails loudly. `force` skips the busy check (start timeout).
   * The worker is an entry or its key; an unknown key has nothing to stop.
   */
  terminate(target: WorkerEntry | string, reason: string, force = false): Promise<void> {
    const entry = typeof target === 'string' ? this.options.table.find(target) : target;
    if (!entry || isRemote(entry.config)) return Promise.resolve();
    const existing = this.terminations.get(entry);
    if (existing) return existing;
    const pid = entry.pid;
    if (pid === null || (!isRunning(entry) && entry.state !== 'failed')) {
      entry.state = 'stopped';
      return Promise.resolve();
    }
    if (!force && entry.inflight + entry.queued > 0 && reason !== 'shutdown') {
      return Promise.reject(
        new GatewayError('workers_busy', `worker "${entry.key}" is serving ${entry.inflight} requests`),
      );
    }
    // Synchronously: nobody may take the fast path of ensure() from here on.
    const previous = entry.state;
    entry.state = 'stopping';
    const promise = this.kill(entry, pid, reason, previous).finally(() => {
      this.terminations.delete(entry);
      this.options.notifier.notify();
    });
    this.terminations.set(entry, promise);
    return promise;
  }

  private async kill(
    entry: WorkerEntry,
    pid: number,
    reason: string,
    previous: WorkerEntry['state'],
  ): Promise<void> {
    const { runtime, logger, table } = this.options;
    const config = entry.config as ManagedWorkerConfig;
    logger.info('stopping worker', { worker: entry.key, pid, reason });
    const gone = await stopProcessGroup(pid, {
      graceMs: config.stopTimeoutSeconds * 1000,
      killWaitMs: this.options.killWaitMs,
      // Through the runtime: the worker's own process, as the runtime sees it (a fake in unit tests).
      isAlive: (target) => runtime.isAlive(target),
      signal: (target, signal) => runtime.signal(target, signal),
      onKill: () => logger.warn('worker ignored SIGTERM; sending SIGKILL', { worker: entry.key, pid }),
    });
    if (!gone) {
      entry.state = 'survivor';
      entry.lastError = `process ${pid} survived SIGTERM and SIGKILL (was ${previous}); its memory is still counted`;
      logger.error('worker survived SIGKILL', { worker: entry.key, pid });
      throw new GatewayError('worker_survived', `worker "${entry.key}": ${entry.lastError}`);
    }
    entry.state = 'stopped';
    entry.pid = null;
    entry.adopted = false;
    entry.measuredGb = null;
    this.forgetRecord(entry, pid);
    table.forget(entry);
  }

  /** Stops the retired workers that serve nothing any more, and forgets those already stopped. */
  async stopIdleRetired(): Promise<void> {
    const { table, logger } = this.options;
    for (const entry of table.retired()) {
      if (entry.inflight + entry.queued > 0) continue;
      if (entry.pid === null) {
        table.forget(entry);
        continue;
      }
      await this.terminate(entry, 'removed from the registry').catch((error: Error) =>
        logger.error('could not stop a retired worker', { worker: entry.key, error: error.message }),
      );
    }
  }

  /**
   * Adopts workers recorded under run/ that are still alive and listening on their port (a gateway
   * restart never kills inference). A record whose process is gone, or whose PID now belongs to
   * another process, is dropped, and that process is left alone.
   */
  async adopt(): Promise<string[]> {
    const { records, runtime, logger, table, now } = this.options;
    const adopted: string[] = [];
    for (const record of records.list()) {
      const entry = table.listedEntry(record.name);
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
      entry.lastUsed = now();
      adopted.push(record.name);
      void this.measure(entry);
      this.options.onReady?.(entry);
      logger.info('adopted worker', { worker: record.name, pid: record.pid });
    }
    return adopted;
  }

  /** Measures the worker's memory; at rest (nothing in flight or queued), also its resting footprint. */
  async measure(entry: WorkerEntry): Promise<void> {
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
}
