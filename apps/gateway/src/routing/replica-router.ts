// The state behind routes: one circuit breaker per worker a route may try (its route's settings, else
// the registry's), and the choice of the next worker from the manager's live status. The decisions
// themselves are pure (route-selection.ts, circuit-breaker.ts); this file feeds them.
import type { WorkerStatus } from '@klody/gateway-client/schemas';
import type { CircuitBreakerConfig, Routes } from '../registry/index.js';
import { CircuitBreaker, type CircuitBreakerSettings, type CircuitTicket } from './circuit-breaker.js';
import { chooseReplica, type ReplicaView, type RouteGroup, routeGroups } from './route-selection.js';

/** What the router reads of the worker manager (the live registry, aliases and status). */
export interface RoutedWorkers {
  routing(): { routes: Routes; circuitBreaker: CircuitBreakerConfig };
  resolve(alias: string): string | null;
  status(): WorkerStatus[];
}

export interface ReplicaRouterOptions {
  workers: RoutedWorkers;
  /** Milliseconds since the epoch; injected for tests. */
  now?: () => number;
}

/** The circuit as /admin/status shows it (times in Unix seconds, as elsewhere in the status). */
export type WorkerCircuit = NonNullable<WorkerStatus['circuit']>;

export type ReplicaChoice =
  | { worker: string; ticket: CircuitTicket }
  /** Nothing may be tried: every candidate's circuit refuses requests now. */
  | { worker: null; refused: string[] };

export class ReplicaRouter {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly now: () => number;
  private settingsFor = new Map<string, CircuitBreakerSettings>();
  private seenRoutes: Routes | null = null;
  private turn = 0;

  constructor(private readonly options: ReplicaRouterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The groups of workers a request for `alias` may be tried on; null when `alias` is no route. */
  groups(alias: string): RouteGroup[] | null {
    this.refresh();
    return routeGroups(this.options.workers.routing().routes, alias, (name) =>
      this.options.workers.resolve(name),
    );
  }

  /** The least busy worker of `candidates` whose circuit lets a request through, with its ticket. */
  choose(candidates: readonly string[]): ReplicaChoice {
    this.refresh();
    const statuses = new Map(this.options.workers.status().map((status) => [status.name, status]));
    const views: ReplicaView[] = [];
    const refused: string[] = [];
    for (const name of candidates) {
      const status = statuses.get(name);
      if (!status) continue;
      const circuitAllows = this.breaker(name).allows();
      if (!circuitAllows) refused.push(name);
      views.push({
        name,
        ready: status.state === 'ready' || (status.state === 'remote' && status.lastError === null),
        inflight: status.inflight,
        queued: status.queued,
        slots: status.slots,
        circuitAllows,
      });
    }
    const chosen = chooseReplica(views, this.turn++);
    if (!chosen) return { worker: null, refused };
    const ticket = this.breaker(chosen.name).pass();
    // allows() was true a moment ago and nothing ran since: pass() cannot refuse here.
    if (!ticket) return { worker: null, refused: [...refused, chosen.name] };
    return { worker: chosen.name, ticket };
  }

  /** The worker's breaker (created on first use with its route's settings). */
  breaker(worker: string): CircuitBreaker {
    this.refresh();
    let breaker = this.breakers.get(worker);
    if (!breaker) {
      breaker = new CircuitBreaker(this.settingsOf(worker), this.now);
      this.breakers.set(worker, breaker);
    }
    return breaker;
  }

  /** The status rows with a `circuit` for each worker a route may try. */
  withCircuits(statuses: WorkerStatus[]): WorkerStatus[] {
    this.refresh();
    return statuses.map((status) => {
      const breaker = this.breakers.get(status.name);
      if (!breaker) return status;
      const snapshot = breaker.snapshot();
      return {
        ...status,
        circuit: { ...snapshot, retryAt: snapshot.retryAt === null ? null : snapshot.retryAt / 1000 },
      };
    });
  }

  private settingsOf(worker: string): CircuitBreakerSettings {
    const { circuitBreaker } = this.options.workers.routing();
    return (
      this.settingsFor.get(worker) ?? {
        failureThreshold: circuitBreaker.failureThreshold,
        coolDownMs: circuitBreaker.coolDownSeconds * 1000,
      }
    );
  }

  // On a new registry (a reload): each worker's settings come from the first route that may try it
  // (as a worker or a fallback), and every such worker gets its breaker, so the status shows it from
  // the start. A breaker keeps its state across reloads; a worker no route lists loses it.
  private refresh(): void {
    const { routes, circuitBreaker } = this.options.workers.routing();
    if (routes === this.seenRoutes) return;
    this.seenRoutes = routes;
    const settings = new Map<string, CircuitBreakerSettings>();
    const merged = (alias: string): CircuitBreakerSettings => ({
      failureThreshold: routes[alias]?.circuitBreaker?.failureThreshold ?? circuitBreaker.failureThreshold,
      coolDownMs: (routes[alias]?.circuitBreaker?.coolDownSeconds ?? circuitBreaker.coolDownSeconds) * 1000,
    });
    // A route's own workers first, then the workers only its fallbacks bring.
    for (const [alias, route] of Object.entries(routes)) {
      for (const worker of route.workers) if (!settings.has(worker)) settings.set(worker, merged(alias));
    }
    for (const alias of Object.keys(routes)) {
      for (const group of routeGroups(routes, alias, (name) => this.options.workers.resolve(name)) ?? []) {
        for (const worker of group.workers) if (!settings.has(worker)) settings.set(worker, merged(alias));
      }
    }
    this.settingsFor = settings;
    for (const worker of this.breakers.keys()) if (!settings.has(worker)) this.breakers.delete(worker);
    for (const [worker, workerSettings] of settings) {
      const breaker = this.breakers.get(worker);
      if (breaker) breaker.settings = workerSettings;
      else this.breakers.set(worker, new CircuitBreaker(workerSettings, this.now));
    }
  }
}
