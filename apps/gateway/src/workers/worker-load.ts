// A load, once the scheduler has reserved room for it: the workers it evicts are stopped and their
// memory watched coming back, then the worker is spawned and waited for; each step is timed
// (SwapTimings: where a swap's time went).
import type { WorkerState } from '@klody/gateway-client/schemas';
import type { ManagedWorkerConfig } from '../registry/index.js';
import type { Reservation, SchedulerLedger } from '../scheduler/index.js';
import type { MemoryProbe } from '../system-memory/index.js';
import type { ChangeNotifier } from './change-notifier.js';
import type { Logger, WorkerLifecycle } from './worker-lifecycle.js';
import type { WorkerEntry, WorkerTable } from './worker-table.js';

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

export interface WorkerLoadsOptions {
  table: WorkerTable;
  lifecycle: WorkerLifecycle;
  ledger: SchedulerLedger;
  memory: MemoryProbe;
  notifier: ChangeNotifier;
  logger: Logger;
  /** Whether a process is alive (the runtime's view). */
  isAlive: (pid: number) => boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class WorkerLoads {
  /** The last loads' timings, newest last (at most 50). */
  readonly swaps: SwapTimings[] = [];

  constructor(private readonly options: WorkerLoadsOptions) {}

  async load(entry: WorkerEntry, reservation: Reservation, deadline: number): Promise<EnsureResult> {
    const { table, lifecycle, ledger, memory, notifier, logger } = this.options;
    const config = entry.config as ManagedWorkerConfig;
    entry.state = 'starting';
    entry.lastError = null;
    const evicted = [...reservation.evict];
    try {
      const freedBytes = evicted.reduce((sum, key) => {
        const victim = table.find(key);
        return sum + (victim?.measuredGb ?? 0) * 1024 ** 3;
      }, 0);
      const stopStarted = performance.now();
      // Every evicted worker is marked stopping before the first await (terminate does it synchronously),
      // so that no ensure() can find it ready meanwhile.
      const stops = evicted.map((key) => lifecycle.terminate(key, 'evicted'));
      // Read at once: the signals were just sent, the processes have not exited yet.
      const availableBefore = evicted.length > 0 ? await memory.availableBytes() : null;
      const results = await Promise.allSettled(stops);
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw (failure as PromiseRejectedResult).reason;
      const stopped = performance.now();
      for (const key of evicted) {
        const victim = table.find(key);
        if (victim) victim.evictions++;
      }
      // "Recovered" once MemAvailable has grown by half the evicted PSS: part of a PSS is file-backed
      // (shared libraries, the mapped model) that stays in the page cache and was already counted
      // as available; the anonymous part (80 % for the embedded worker) is what comes back.
      const recovery =
        availableBefore !== null && freedBytes > 0
          ? this.watchRecovery(availableBefore + freedBytes * 0.5, stopped)
          : Promise.resolve(null);
      const { spawnMs, healthyMs } = await lifecycle.spawnAndWait(entry, deadline);
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
      logger.info('worker ready', { worker: config.name, pid: entry.pid, evicted, timings });
      return { started: true, evicted };
    } catch (error) {
      if (entry.state === 'starting') entry.state = 'failed';
      entry.lastError = (error as Error).message;
      // A process that died while starting leaves no record behind (one still alive is a survivor).
      if (
        entry.pid !== null &&
        (entry.state as WorkerState) !== 'survivor' &&
        !this.options.isAlive(entry.pid)
      ) {
        const pid = entry.pid;
        entry.pid = null;
        lifecycle.forgetRecord(entry, pid);
      }
      throw error;
    } finally {
      for (const key of evicted) ledger.releaseClaim(key);
      ledger.release(reservation);
      notifier.notify();
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
}
