// One relayed /v1 request, step by step: read and check it, route its model to a worker, rewrite its
// parameters, take a slot of the worker (waiting for a load or a queue), relay the worker's answer as
// it comes, and count it. Each step lives in its own file; this one only orders them.
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { ServiceEnv } from '@klody/service';
import type { Context } from 'hono';
import { GatewayError } from '../errors/index.js';
import { rewriteRequest } from '../openai/request-rewrite.js';
import type { Lease, Logger, WorkerManager } from '../workers/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { writeJsonError } from './json-error.js';
import { LazyAbortController } from './lazy-abort-controller.js';
import { clientClosedRequest, forwardHeaders, relay } from './relay.js';
import { readRelayedRequest } from './relayed-request.js';

type Env = { Bindings: HttpBindings } & ServiceEnv;

export interface RelayedRouteOptions {
  manager: WorkerManager;
  metrics: GatewayMetrics;
  logger?: Logger | undefined;
  bodyLimitBytes: number;
  audioBodyLimitBytes: number;
  unknownModel(model: string): GatewayError;
}

export function relayedRouteHandler(options: RelayedRouteOptions) {
  const { manager, metrics, logger } = options;
  return async (c: Context<Env>, route: string) => {
    const started = performance.now();
    const { incoming, outgoing } = c.env;
    const request = await readRelayedRequest(incoming, {
      contentType: c.req.header('content-type') ?? '',
      limitBytes: route === 'audio/transcriptions' ? options.audioBodyLimitBytes : options.bodyLimitBytes,
      knownAliases: () => manager.aliases(),
    });
    const name = manager.resolve(request.model);
    if (!name) throw options.unknownModel(request.model);
    const config = manager.workerConfigs().find((worker) => worker.name === name);
    const body =
      request.kind === 'json' ? rewriteRequest(route, request.json, request.raw, config) : request.raw;

    // A client that leaves while waiting for a load or a slot gives its place up.
    const controller = new LazyAbortController();
    const onEarlyClose = () => controller.abort();
    outgoing.once('close', onEarlyClose);
    let lease: Lease;
    try {
      // The controller serves as the options: its signal is made only if acquire has to wait.
      lease = await manager.acquire(name, controller);
    } catch (error) {
      outgoing.off('close', onEarlyClose);
      if (controller.aborted) {
        outgoing.destroy();
        metrics.observe(
          name,
          clientClosedRequest,
          'client_aborted',
          (performance.now() - started) / 1000,
          null,
        );
        return RESPONSE_ALREADY_SENT;
      }
      const status = GatewayError.isInstance(error) ? error.status : 500;
      metrics.observe(name, status, 'rejected', (performance.now() - started) / 1000, null);
      throw error;
    }
    outgoing.off('close', onEarlyClose);
    if (controller.aborted || outgoing.destroyed) {
      lease.release();
      outgoing.destroy();
      return RESPONSE_ALREADY_SENT;
    }
    relay({
      baseUrl: lease.url,
      method: 'POST',
      path: `/v1/${route}`,
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
          (performance.now() - started) / 1000,
          firstByteAt === null ? null : (firstByteAt - started) / 1000,
        );
      },
      onUnreachable: (error) => {
        logger?.warn('worker unreachable', { worker: name, error: error.message });
        void manager.tick();
      },
      writeError: (error) => writeJsonError(outgoing, error),
    });
    return RESPONSE_ALREADY_SENT;
  };
}
