// The worker table: one entry per worker of the registry, by name, with the aliases that route to
// it; and, apart from them, the retired workers: those a reload (SIGHUP) removed, or replaced by a
// different process under the same name. A retired worker finishes the requests it has, then stops
// (WorkerLifecycle.stopIdleRetired); it is never handed out again.
import { setMaxListeners } from 'node:events';
import type { WorkerState } from '@klody/gateway-client/schemas';
import { Semaphore } from '../concurrency/index.js';
import { GatewayError } from '../errors/index.js';
import { isRemote, type Registry, type VariantConfig, type WorkerConfig } from '../registry/index.js';

export interface WorkerEntry {
  /**
   * What the status, the scheduler and terminate() call it: its name, or for a retired worker
   * `<name> (retired <n>)`, since a new worker may hold the name already.
   */
  key: string;
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
  /** When an adopted process was last checked alive (ms). */
  checkedAt: number;
  /** The running process's key (sent as its bearer); null for remote workers and keyless old records. */
  workerKey: string | null;
  /** Times the worker was declared hung (alive, its health endpoint silent) and killed. */
  hangs: number;
  /** Aborted when the worker is declared hung: the requests holding its slots fail at once. */
  inflightAbort: AbortController;
}

export function urlOf(config: WorkerConfig): string {
  return isRemote(config)
    ? config.url.replace(/\/+$/, '').replace(/\/v1$/, '')
    : `http://127.0.0.1:${config.port}`;
}

/** Whether its process holds memory, or is about to: ready, starting, a survivor of SIGKILL, stopping. */
export function isRunning(entry: WorkerEntry): boolean {
  return (
    entry.state === 'ready' ||
    entry.state === 'starting' ||
    entry.state === 'survivor' ||
    entry.state === 'stopping'
  );
}

/**
 * The controller whose signal every request relayed to one worker listens to (aborted when the worker
 * is declared hung). A worker serves up to `slots` (1,024) requests at once: more than Node's default
 * of 10 listeners is expected, not a leak (each relay removes its listener when it ends).
 */
export function inflightAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

function newEntry(config: WorkerConfig): WorkerEntry {
  return {
    key: config.name,
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
    checkedAt: 0,
    workerKey: null,
    hangs: 0,
    inflightAbort: inflightAbortController(),
  };
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

export class WorkerTable {
  private readonly listed = new Map<string, WorkerEntry>();
  private readonly retiredEntries = new Set<WorkerEntry>();
  private readonly aliasMap = new Map<string, string>();
  private readonly variantMap = new Map<string, VariantConfig>();
  private retirements = 0;
  private current: Registry;
  configDirectory: string;

  constructor(registry: Registry, configDirectory: string) {
    this.current = registry;
    this.configDirectory = configDirectory;
    this.apply(registry, configDirectory);
  }

  get registry(): Registry {
    return this.current;
  }

  get budgetGb(): number {
    return this.current.budgetGb;
  }

  /**
   * Applies a registry: a worker whose process is the same keeps its entry (and its running process);
   * one that the registry no longer lists, or lists as a different process, is retired.
   */
  apply(registry: Registry, configDirectory: string): void {
    this.configDirectory = configDirectory;
    this.aliasMap.clear();
    this.variantMap.clear();
    const names = new Set(registry.workers.map((worker) => worker.name));
    for (const [name, entry] of this.listed) if (!names.has(name)) this.retire(entry);
    for (const config of registry.workers) {
      const existing = this.listed.get(config.name);
      const sameProcess =
        existing &&
        JSON.stringify(processIdentity(existing.config)) === JSON.stringify(processIdentity(config));
      if (existing && sameProcess) {
        if (existing.config.slots !== config.slots) existing.slots = new Semaphore(config.slots);
        existing.config = config;
      } else {
        // Same name, different process: the old one drains and stops; the new one starts on demand.
        if (existing) this.retire(existing);
        this.listed.set(config.name, newEntry(config));
      }
      for (const alias of [config.name, ...config.aliases]) this.aliasMap.set(alias, config.name);
      for (const variant of config.variants) {
        this.aliasMap.set(variant.alias, config.name);
        this.variantMap.set(variant.alias, variant);
      }
    }
    this.current = registry;
  }

  private retire(entry: WorkerEntry): void {
    this.listed.delete(entry.config.name);
    entry.key = `${entry.config.name} (retired ${++this.retirements})`;
    this.retiredEntries.add(entry);
  }

  /** The worker name an alias (or a worker name) routes to; null when unknown. */
  resolve(alias: string): string | null {
    return this.aliasMap.get(alias) ?? null;
  }

  /** The variant an alias names (its parameters, its priority); null for a worker's plain alias. */
  variant(alias: string): VariantConfig | null {
    return this.variantMap.get(alias) ?? null;
  }

  aliases(): string[] {
    return [...this.aliasMap.keys()].sort();
  }

  workerConfigs(): WorkerConfig[] {
    return this.current.workers;
  }

  /** A worker of the registry, by name; any other name (a retired worker's too) is a model_not_found. */
  entry(name: string): WorkerEntry {
    const entry = this.listed.get(name);
    if (!entry) throw new GatewayError('model_not_found', `unknown worker "${name}"`);
    return entry;
  }

  /** A worker of the registry, by name; null when it lists none. */
  listedEntry(name: string): WorkerEntry | null {
    return this.listed.get(name) ?? null;
  }

  /** Any worker, listed or retired, by its key; null when there is none. */
  find(key: string): WorkerEntry | null {
    const listed = this.listed.get(key);
    if (listed) return listed;
    for (const entry of this.retiredEntries) if (entry.key === key) return entry;
    return null;
  }

  isRetired(entry: WorkerEntry): boolean {
    return this.retiredEntries.has(entry);
  }

  /** Every worker: the registry's, then the retired ones not forgotten yet. */
  all(): WorkerEntry[] {
    return [...this.listed.values(), ...this.retiredEntries];
  }

  retired(): WorkerEntry[] {
    return [...this.retiredEntries];
  }

  /** Forgets a retired worker once its process is gone (nothing happens to a listed one). */
  forget(entry: WorkerEntry): void {
    this.retiredEntries.delete(entry);
  }
}
