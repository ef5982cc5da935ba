// A request for a route (replicas and fallbacks, src/routing): its least busy healthy worker gets it;
// when that worker fails before any byte reached the client — unreachable, a 502/503, no headers in
// time, or it refuses to take the request (queue full, cannot load) — the next one is tried, then the
// fallbacks in order. The body is in memory, so trying again is safe; once a byte went to the client,
// never. With nothing left, the client gets a 503 `no_healthy_worker` naming what was tried and why.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../errors/index.js';
import { rewriteRequest } from '../openai/request-rewrite.js';
import type { CircuitTicket, ReplicaRouter, RouteGroup } from '../routing/index.js';
import type { Lease, Logger, WorkerManager } from '../workers/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { clientClosedRequest, forwardHeaders, relay } from './relay.js';
import type { RelayedRequest } from './relayed-request.js';

export interface RouteRelayOptions {
  manager: WorkerManager;
  metrics: GatewayMetrics;
  router: ReplicaRouter;
  logger?: Logger | undefined;
  /** The OpenAI route (`chat/completions`, …). */
  route: string;
  request: RelayedRequest;
  groups: readonly RouteGroup[];
  incoming: IncomingMessage;
  outgoing: ServerResponse;
  /** When the request reached the gateway (performance.now()). */
  started: number;
}

/** How one try ended: the exchange is over (served, or the client left), or the worker failed first. */
type Attempt = { over: true } | { over: false; why: string };

// Acquire failures that say the worker is broken (count against its circuit); the others (a full
// queue, no memory) say it is busy, which the next worker may not be.
const brokenCodes = new Set(['worker_start_failed', 'worker_start_timeout', 'worker_unreachable']);

/** Relays the request over its route's workers; resolves once the response is over. */
export async function relayOverRoute(options: RouteRelayOptions): Promise<void> {
  const { router, request, groups } = options;
  const tried: string[] = [];
  for (const group of groups) {
    const left = new Set(group.workers);
    while (left.size > 0) {
      const choice = router.choose([...left]);
      if (choice.worker === null) {
        for (const worker of choice.refused) tried.push(`${worker} (circuit open)`);
        break;
      }
      left.delete(choice.worker);
      const attempt = await tryWorker(options, choice.worker, choice.ticket);
      if (attempt.over) return;
      tried.push(`${choice.worker} (${attempt.why})`);
      options.logger?.warn('route worker failed; trying the next', {
        model: request.model,
        worker: choice.worker,
        error: attempt.why,
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

async function tryWorker(options: RouteRelayOptions, name: string, ticket: CircuitTicket): Promise<Attempt> {
  const { manager, metrics, router, request, incoming, outgoing, started } = options;
  const breaker = router.breaker(name);
  const seconds = () => (performance.now() - started) / 1000;
  const config = manager.workerConfigs().find((worker) => worker.name === name);
  // Each worker rewrites its own copy: one's defaults and model name must not reach the next.
  const body =
    request.kind === 'json'
      ? rewriteRequest(options.route, { ...request.json }, request.raw, config)
      : request.raw;

  // A client that leaves while waiting for a load or a slot gives its place up.
  const controller = new AbortController();
  const onEarlyClose = () => controller.abort();
  outgoing.once('close', onEarlyClose);
  let lease: Lease;
  try {
    lease = await manager.acquire(name, { signal: controller.signal });
  } catch (error) {
    outgoing.off('close', onEarlyClose);
    if (controller.signal.aborted) {
      breaker.abandoned(ticket);
      outgoing.destroy();
      metrics.observe(name, clientClosedRequest, 'client_aborted', seconds(), null);
      return { over: true };
    }
    const gatewayError = GatewayError.isInstance(error)
      ? error
      : new GatewayError('worker_start_failed', (error as Error).message);
    if (brokenCodes.has(gatewayError.code)) breaker.failed(ticket);
    else breaker.abandoned(ticket);
    metrics.observe(name, gatewayError.status, 'rejected', seconds(), null);
    return { over: false, why: `${gatewayError.code}: ${gatewayError.message}` };
  }
  outgoing.off('close', onEarlyClose);
  if (controller.signal.aborted || outgoing.destroyed) {
    lease.release();
    breaker.abandoned(ticket);
    outgoing.destroy();
    return { over: true };
  }
  return new Promise<Attempt>((resolve) => {
    let failure: GatewayError | null = null;
    relay({
      baseUrl: lease.url,
      method: 'POST',
      path: `/v1/${options.route}`,
      headers: forwardHeaders(incoming.headers, lease.workerKey),
      body,
      incoming,
      outgoing,
      headersTimeoutMs: (config?.requestTimeoutSeconds ?? 600) * 1000,
      done(outcome, status, firstByteAt) {
        lease.release();
        metrics.observe(
          name,
          status,
          outcome,
          seconds(),
          firstByteAt === null ? null : (firstByteAt - started) / 1000,
        );
        // A stream the worker broke, or a 5xx it answered, counts against it; a client that left
        // before the answer says nothing about the worker.
        if (failure !== null || outcome === 'upstream_error' || status >= 500) breaker.failed(ticket);
        else if (outcome === 'client_aborted' && firstByteAt === null) breaker.abandoned(ticket);
        else breaker.succeeded(ticket);
        resolve(
          failure === null || outgoing.destroyed
            ? { over: true }
            : { over: false, why: `${failure.code}: ${failure.message}` },
        );
      },
      onUnreachable: (error) => {
        options.logger?.warn('worker unreachable', { worker: name, error: error.message });
        void manager.tick();
      },
      writeError: () => undefined,
      failedBeforeResponse: (error) => {
        failure = error;
      },
    });
  });
}
