// One relayed /v1 request, step by step: read and check it, then route its model — to the one worker
// of an alias (worker-attempt.ts: rewrite its parameters, take a slot, relay the answer, count it), or
// over a route's replicas and fallbacks (route-relay.ts: the same, tried in turn). Each step lives in
// its own file; this one only orders them.
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { ServiceEnv } from '@klody/service';
import type { Context } from 'hono';
import type { GatewayError } from '../errors/index.js';
import type { ReplicaRouter } from '../routing/index.js';
import type { Logger, WorkerManager } from '../workers/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { readRelayedRequest } from './relayed-request.js';
import type { RequestRecordSinks } from './request-record.js';
import { relayOverRoute } from './route-relay.js';
import { attemptWorker } from './worker-attempt.js';

type Env = { Bindings: HttpBindings } & ServiceEnv;

export interface RelayedRouteOptions {
  manager: WorkerManager;
  metrics: GatewayMetrics;
  logger?: Logger | undefined;
  bodyLimitBytes: number;
  audioBodyLimitBytes: number;
  unknownModel(model: string): GatewayError;
  /** Routes: replicas and fallbacks behind one alias (src/routing); none without it. */
  router?: ReplicaRouter | undefined;
  /** Where each request's row, log line and tokens go (request-record.ts). */
  records: Omit<RequestRecordSinks, 'metrics' | 'logger'>;
}

export function relayedRouteHandler(options: RelayedRouteOptions) {
  const { manager } = options;
  return async (c: Context<Env>, route: string) => {
    const started = performance.now();
    const requestId = c.get('requestId');
    const { incoming, outgoing } = c.env;
    const request = await readRelayedRequest(incoming, {
      contentType: c.req.header('content-type') ?? '',
      limitBytes: route === 'audio/transcriptions' ? options.audioBodyLimitBytes : options.bodyLimitBytes,
      knownAliases: () => manager.aliases(),
    });
    // A route's alias: its workers are tried in turn, then its fallbacks (route-relay.ts).
    const router = options.router;
    const groups = router?.groups(request.model);
    if (router && groups) {
      await relayOverRoute({
        ...options,
        router,
        route,
        request,
        requestId,
        groups,
        incoming,
        outgoing,
        started,
      });
      return RESPONSE_ALREADY_SENT;
    }
    const resolved = manager.resolveModel(request.model);
    if (!resolved) throw options.unknownModel(request.model);
    const attempt = await attemptWorker({
      ...options,
      route,
      request,
      worker: resolved.worker,
      variant: resolved.variant,
      requestId,
      incoming,
      outgoing,
      started,
    });
    // Refused before the relay (a full queue, no memory, a failed load): the kit's error handler
    // answers with its status.
    if (!attempt.over) throw attempt.error;
    return RESPONSE_ALREADY_SENT;
  };
}
