// The monitor: a periodic pass over every worker — measure its memory, notice an adopted worker that
// died (no exit event reaches this gateway for a process it did not spawn), stop one idle past its
// TTL, rotate its log. A remote worker is only watched.
import { isRemote, type ManagedWorkerConfig } from '../registry/index.js';
import type { LogFiles } from './log-files.js';
import type { ProcessRuntime } from './process-runtime.js';
import type { Logger, WorkerLifecycle } from './worker-lifecycle.js';
import { urlOf, type WorkerEntry, type WorkerTable } from './worker-table.js';

export interface WorkerMonitorOptions {
  table: WorkerTable;
  lifecycle: WorkerLifecycle;
  runtime: ProcessRuntime;
  logs: LogFiles;
  logger: Logger;
  now: () => number;
  /** Called after each pass (kept-loaded workers are reloaded there, see preload.ts). */
  afterPass?: () => void;
}

export class WorkerMonitor {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly options: WorkerMonitorOptions) {}

  /** A pass every `intervalMs`; the timer does not keep the process alive. */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  tick(): Promise<void> {
    // One pass at a time; a caller arriving meanwhile waits for the pass in progress.
    this.ticking ??= this.runTick().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async runTick(): Promise<void> {
    for (const entry of this.options.table.all()) {
      try {
        await this.tickWorker(entry);
      } catch (error) {
        // Monitoring must never bring the gateway down (a full disk while rotating a log, …).
        this.options.logger.error('monitoring a worker failed', {
          worker: entry.key,
          error: (error as Error).message,
        });
      }
    }
    this.options.afterPass?.();
  }

  private async tickWorker(entry: WorkerEntry): Promise<void> {
    const { runtime, lifecycle, logs, now } = this.options;
    if (isRemote(entry.config)) {
      // A remote server is never managed, only watched: its failure shows in status and /health.
      const health = entry.config.healthPath;
      const check = entry.config.healthCheck;
      if (health && check !== null) {
        const ok = await runtime.probeHealth(`${urlOf(entry.config)}${health}`, check.timeoutSeconds * 1000);
        entry.lastError = ok ? null : `remote health check ${urlOf(entry.config)}${health} failed`;
      }
      return;
    }
    if (entry.pid === null) return;
    if ((entry.state === 'ready' || entry.state === 'survivor') && !runtime.isAlive(entry.pid)) {
      lifecycle.markExited(entry, entry.generation, 'is gone');
      return;
    }
    await lifecycle.measure(entry);
    logs.rotateIfLarge(entry.config.name);
    const ttl = (entry.config as ManagedWorkerConfig).idleTtlSeconds;
    if (
      ttl !== null &&
      entry.state === 'ready' &&
      entry.inflight + entry.queued === 0 &&
      entry.lastUsed !== null &&
      now() - entry.lastUsed > ttl * 1000
    ) {
      await lifecycle.terminate(entry, 'idle TTL').catch(() => undefined);
    }
  }
}
