// Which worker of a route serves a request: pure decisions over a view of the workers, so that they
// are unit-tested on tables. The relay (src/http/route-relay.ts) asks again after each failure, with
// the workers it already tried left out.
import type { Routes } from '../registry/index.js';

/** What the selection needs to know of one worker of a route. */
export interface ReplicaView {
  name: string;
  /** Serving without a load first: a ready managed worker, or a remote one not known to be down. */
  ready: boolean;
  inflight: number;
  queued: number;
  slots: number;
  /** Whether its circuit breaker lets a request through (closed, or half-open with its trial free). */
  circuitAllows: boolean;
}

/** A route's workers, then each fallback's, in the order they are tried. */
export interface RouteGroup {
  /** The alias this group comes from: the route itself, or one of its fallbacks. */
  alias: string;
  workers: string[];
}

/** How busy a worker is: requests holding or awaiting one of its slots, per slot. */
export function busyness(replica: ReplicaView): number {
  return (replica.inflight + replica.queued) / replica.slots;
}

/**
 * The least busy worker among those whose circuit allows a request; null when none may be tried.
 * Ready ones come first while one of them has a free slot: loading another replica costs memory and
 * seconds, worth it only once the ready ones are full (then the load adds capacity for what follows).
 * Among the others, a ready one still wins a tie. Ties go round: `turn` (a counter the caller bumps
 * per request) picks among equally busy workers, so that a light load spreads too instead of always
 * landing on the first one listed.
 */
export function chooseReplica(replicas: readonly ReplicaView[], turn: number): ReplicaView | null {
  const allowed = replicas.filter((replica) => replica.circuitAllows);
  const roomy = allowed.filter((replica) => replica.ready && busyness(replica) < 1);
  const pool = roomy.length > 0 ? roomy : allowed;
  if (pool.length === 0) return null;
  const least = Math.min(...pool.map(busyness));
  const leastBusy = pool.filter((replica) => busyness(replica) === least);
  const ties = leastBusy.some((replica) => replica.ready)
    ? leastBusy.filter((replica) => replica.ready)
    : leastBusy;
  return ties[Math.abs(turn) % ties.length] ?? null;
}

/**
 * The groups a route's request may be tried on: the route's own workers, then its fallbacks in order
 * (a fallback route brings its own workers, then its own fallbacks; a worker's alias brings that
 * worker). A worker appears once, in the first group that lists it; empty groups are dropped. Null
 * when `alias` names no route. `workerOf` resolves a worker's name or alias.
 */
export function routeGroups(
  routes: Routes,
  alias: string,
  workerOf: (alias: string) => string | null,
): RouteGroup[] | null {
  if (!Object.hasOwn(routes, alias)) return null;
  const groups: RouteGroup[] = [];
  const placed = new Set<string>();
  const visited = new Set<string>();
  const add = (groupAlias: string, workers: readonly string[]) => {
    const fresh = workers.filter((worker) => !placed.has(worker));
    for (const worker of fresh) placed.add(worker);
    if (fresh.length > 0) groups.push({ alias: groupAlias, workers: fresh });
  };
  const expand = (name: string) => {
    if (visited.has(name)) return; // the registry forbids cycles; this keeps a bad table finite anyway
    visited.add(name);
    const route = Object.hasOwn(routes, name) ? routes[name] : undefined;
    if (!route) {
      const worker = workerOf(name);
      if (worker !== null) add(name, [worker]);
      return;
    }
    add(name, route.workers);
    for (const fallback of route.fallbacks) expand(fallback);
  };
  expand(alias);
  return groups;
}
