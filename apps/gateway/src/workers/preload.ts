// Preload and keep loaded: a worker marked `preload` is loaded when the gateway starts, one marked
// `keepLoaded` is loaded at start and again whenever it went down (an idle-TTL unload, an exit, a hang).
// Loads go through the manager's ensure(), so the memory budget and its evictions apply. A kept-loaded
// worker that lost its place is reloaded only when it fits without evicting anything: two kept-loaded
// workers that do not fit together must not evict each other in turn forever.
import { isRemote, type ManagedWorkerConfig } from '../registry/index.js';
import type { Logger } from './worker-lifecycle.js';
import type { EnsureResult } from './worker-load.js';
import type { WorkerEntry, WorkerTable } from './worker-table.js';

export interface PreloaderOptions {
  table: WorkerTable;
  logger: Logger;
  now: () => number;
  /** The manager's ensure: loads the worker through the scheduler. */
  ensure(name: string): Promise<EnsureResult>;
  /** Whether the worker could load now without evicting another worker and without waiting. */
  fitsWithoutEviction(name: string): boolean;
}

/** A kept-loaded worker whose reload failed is tried again after this, doubling up to the maximum. */
const firstRetryMs = 5_000;
const maximumRetryMs = 300_000;

export class Preloader {
  private readonly loading = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private readonly retries = new Map<string, { at: number; delayMs: number }>();

  constructor(private readonly options: PreloaderOptions) {}

  /**
   * At start (after adoption): loads every worker marked `preload` or `keepLoaded`, in registry order.
   * Never rejects: a failure is logged and shown in the worker's status.
   */
  async preloadAll(): Promise<void> {
    for (const entry of this.options.table.all()) {
      const config = entry.config;
      if (isRemote(config) || this.options.table.isRetired(entry)) continue;
      if (config.preload || config.keepLoaded) await this.load(entry, 'preload');
    }
  }

  /**
   * A monitor pass: the kept-loaded workers that are down are loaded again, each when it fits
   * without eviction. Does not wait for the loads.
   */
  keepLoaded(): void {
    const { table, now } = this.options;
    for (const entry of table.all()) {
      if (!this.isKeptLoaded(entry) || !this.isDown(entry)) continue;
      const name = entry.config.name;
      if (this.loading.has(name) || now() < (this.retries.get(name)?.at ?? 0)) continue;
      if (!this.options.fitsWithoutEviction(name)) continue;
      void this.load(entry, 'keep loaded');
    }
  }

  /** No load starts from here on (the gateway is stopping). */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves once the loads started here have ended (so that a shutdown can stop what they started). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** A worker just went down (a hang): loaded again at once when it is preloaded or kept loaded. */
  restart(entry: WorkerEntry): void {
    const config = entry.config;
    if (isRemote(config) || this.options.table.isRetired(entry) || !(config.preload || config.keepLoaded))
      return;
    if (!this.isDown(entry) || this.loading.has(config.name)) return;
    if (!this.options.fitsWithoutEviction(config.name)) return; // the next monitor pass tries again
    void this.load(entry, 'restart after a hang');
  }

  private isKeptLoaded(entry: WorkerEntry): boolean {
    const config = entry.config;
    return (
      !isRemote(config) && (config as ManagedWorkerConfig).keepLoaded && !this.options.table.isRetired(entry)
    );
  }

  private isDown(entry: WorkerEntry): boolean {
    return entry.pid === null && (entry.state === 'stopped' || entry.state === 'failed');
  }

  private load(entry: WorkerEntry, reason: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const load = this.runLoad(entry, reason).finally(() => this.inFlight.delete(load));
    this.inFlight.add(load);
    return load;
  }

  private async runLoad(entry: WorkerEntry, reason: string): Promise<void> {
    const { logger, now } = this.options;
    const name = entry.config.name;
    this.loading.add(name);
    try {
      const result = await this.options.ensure(name);
      this.retries.delete(name);
      // A fresh load counts as a use: an idle TTL counts from here, not from the last request of the
      // previous process (which would unload it again at once).
      if (result.started) entry.lastUsed = now();
      logger.info('worker preloaded', {
        worker: name,
        reason,
        started: result.started,
        evicted: result.evicted,
      });
    } catch (error) {
      const message = (error as Error).message;
      entry.lastError = `${reason} failed: ${message}`;
      const previous = this.retries.get(name)?.delayMs;
      const delayMs = previous === undefined ? firstRetryMs : Math.min(maximumRetryMs, previous * 2);
      this.retries.set(name, { at: now() + delayMs, delayMs });
      logger.error('preloading a worker failed', {
        worker: name,
        reason,
        error: message,
        retryInMs: delayMs,
      });
    } finally {
      this.loading.delete(name);
    }
  }
}
