// A request for a route (replicas and fallbacks, src/routing): its least busy healthy worker gets it;
// when that worker fails before any byte reached the client — unreachable, a 502/503, no headers in
// time, or it refuses to take the request (queue full, cannot load) — the next one is tried, then the
// fallbacks in order. The body is in memory, so trying again is safe; once a byte went to the client,
// never. With nothing left, the client gets a 503 `no_healthy_worker` naming what was tried and why.
import { GatewayError } from '../errors/index.js';
import type { ReplicaRouter, RouteGroup } from '../routing/index.js';
import { attemptWorker, type WorkerAttemptOptions } from './worker-attempt.js';

export interface RouteRelayOptions extends Omit<WorkerAttemptOptions, 'worker' | 'variant' | 'circuit'> {
  router: ReplicaRouter;
  groups: readonly RouteGroup[];
}

/** Relays the request over its route's workers; resolves once the response is over. */
export async function relayOverRoute(options: RouteRelayOptions): Promise<void> {
  const { router, request, groups, manager } = options;
  const tried: string[] = [];
  for (const group of groups) {
    // A fallback may be a variant's alias: its parameters apply to its worker.
    const variant = manager.resolveModel(group.alias)?.variant ?? null;
    const left = new Set(group.workers);
    while (left.size > 0) {
      const choice = router.choose([...left]);
      if (choice.worker === null) {
        for (const worker of choice.refused) tried.push(`${worker} (circuit open)`);
        break;
      }
      left.delete(choice.worker);
      const attempt = await attemptWorker({
        ...options,
        worker: choice.worker,
        variant,
        circuit: { breaker: router.breaker(choice.worker), ticket: choice.ticket },
      });
      if (attempt.over) return;
      const why = `${attempt.error.code}: ${attempt.error.message}`;
      tried.push(`${choice.worker} (${why})`);
      options.logger?.warn('route worker failed; trying the next', {
        model: request.model,
        worker: choice.worker,
        error: why,
      });
    }
  }
  const route = groups[0]?.alias ?? request.model;
  const fallbacks = groups.slice(1).map((group) => group.alias);
  throw new GatewayError(
    'no_healthy_worker',
    `no worker of route "${route}"${fallbacks.length > 0 ? ` nor of its fallbacks (${fallbacks.join(', ')})` : ''} could take the request; tried: ${tried.join('; ') || 'none'}`,
    { retryAfterSeconds: 5 },
  );
}
