// One try of a relayed request on one worker: its parameters rewritten for that worker (its defaults,
// `set`, `strip`, the variant's), a slot taken (waiting for its turn, a load, or the queue), the
// worker's answer relayed as it comes, and counted. Used once for an alias of a single worker, and in
// turn for each worker a route tries (route-relay.ts): then a failure before any byte reached the
// client is handed back instead of written, so the next worker may take the request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../errors/index.js';
import { rewriteRequest } from '../openai/request-rewrite.js';
import type { VariantConfig } from '../registry/index.js';
import type { CircuitBreaker, CircuitTicket } from '../routing/index.js';
import type { Lease, Logger, WorkerManager } from '../workers/index.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { writeJsonError } from './json-error.js';
import { LazyAbortController } from './lazy-abort-controller.js';
import { isStreamed, LoadWait } from './load-progress.js';
import { clientClosedRequest, forwardHeaders, relay } from './relay.js';
import type { RelayedRequest } from './relayed-request.js';
import { RequestRecord, type RequestRecordSinks } from './request-record.js';
import { upstreamCredentials } from './upstream-credentials.js';

export interface WorkerAttemptOptions {
  manager: WorkerManager;
  metrics: GatewayMetrics;
  logger?: Logger | undefined;
  /** The OpenAI route (`chat/completions`, …). */
  route: string;
  request: RelayedRequest;
  worker: string;
  variant: VariantConfig | null;
  incoming: IncomingMessage;
  outgoing: ServerResponse;
  /** When the request reached the gateway (performance.now()). */
  started: number;
  /** The request's id (the kit's), for its log line and activity row. */
  requestId: string;
  /** Where the try's row, log line, metrics and tokens go (request-record.ts). */
  records: Omit<RequestRecordSinks, 'metrics' | 'logger'>;
  /**
   * A route's try: its worker's circuit is told how it went, and a failure before any byte reached
   * the client is returned (not written) so that another worker may be tried. Without it (an alias of
   * one worker), failures reach the client, and a streamed request waiting for a load gets progress.
   */
  circuit?: { breaker: CircuitBreaker; ticket: CircuitTicket };
}

/** How a try ended: the exchange is over (answered, or the client left), or it failed first. */
export type WorkerAttempt = { over: true } | { over: false; error: GatewayError };

// Refusals that say the worker is broken (they count against its circuit); the others (a full queue,
// no memory) say it is busy, which the next worker may not be.
const brokenCodes = new Set(['worker_start_failed', 'worker_start_timeout', 'worker_unreachable']);

export async function attemptWorker(options: WorkerAttemptOptions): Promise<WorkerAttempt> {
  const { manager, metrics, request, incoming, outgoing, started, worker: name, circuit } = options;
  const record = new RequestRecord(
    { ...options.records, metrics, logger: options.logger },
    { requestId: options.requestId, model: request.model, worker: name, route: options.route, started },
  );
  const config = manager.workerConfigs().find((worker) => worker.name === name);
  // Each try rewrites its own copy: one worker's parameters must not reach the next.
  const body =
    request.kind === 'json'
      ? rewriteRequest(options.route, { ...request.json }, request.raw, config, options.variant)
      : request.raw;

  // A client that leaves while waiting for a load or a slot gives its place up. Its signal is made
  // only if acquire has to wait (lazy-abort-controller.ts).
  const controller = new LazyAbortController();
  const onEarlyClose = () => controller.abort();
  outgoing.once('close', onEarlyClose);
  let lease: Lease;
  let wait: LoadWait | undefined;
  try {
    const priority = options.variant?.priority;
    const acquiring = manager.acquire(name, {
      get signal() {
        return controller.signal;
      },
      // A variant's priority orders it among models waiting for a swap; else the worker's applies.
      ...(priority !== undefined ? { priority } : {}),
    });
    // After the call: a load it started shows as loading (load-progress.ts).
    wait = new LoadWait({
      outgoing,
      model: request.model,
      streamed: circuit === undefined && isStreamed(request),
      state: () => manager.stateOf(name),
    });
    lease = await acquiring;
    wait.acquired();
  } catch (error) {
    outgoing.off('close', onEarlyClose);
    wait?.stop();
    if (controller.aborted) {
      if (circuit) circuit.breaker.abandoned(circuit.ticket);
      outgoing.destroy();
      record.finish('client_aborted', clientClosedRequest, null);
      return { over: true };
    }
    record.finish('rejected', GatewayError.isInstance(error) ? error.status : 500, null);
    if (wait?.failed(error)) return { over: true };
    // Alone, an unexpected error goes on as it is (the kit's handler answers 500 internal_error).
    if (!circuit && !GatewayError.isInstance(error)) throw error;
    const gatewayError = GatewayError.isInstance(error)
      ? error
      : new GatewayError('worker_start_failed', (error as Error).message);
    if (circuit) {
      if (brokenCodes.has(gatewayError.code)) circuit.breaker.failed(circuit.ticket);
      else circuit.breaker.abandoned(circuit.ticket);
    }
    return { over: false, error: gatewayError };
  }
  outgoing.off('close', onEarlyClose);
  record.slotHeld();
  if (controller.aborted || outgoing.destroyed) {
    lease.release();
    record.finish('client_aborted', clientClosedRequest, null);
    if (circuit) circuit.breaker.abandoned(circuit.ticket);
    outgoing.destroy();
    return { over: true };
  }
  const progress = wait;
  return new Promise<WorkerAttempt>((resolve) => {
    let failure: GatewayError | null = null;
    relay({
      baseUrl: lease.url,
      method: 'POST',
      path: `/v1/${options.route}`,
      headers: {
        ...forwardHeaders(incoming.headers, lease.workerKey),
        ...upstreamCredentials(options.route, config),
      },
      body,
      incoming,
      outgoing,
      headersTimeoutMs: (config?.requestTimeoutSeconds ?? 600) * 1000,
      // Aborted when the worker is declared hung (health-probes.ts).
      signal: lease.signal,
      done(outcome, status, firstByteAt) {
        lease.release();
        record.finish(outcome, status, firstByteAt);
        if (circuit) {
          // A stream the worker broke, or a 5xx it answered, counts against it; a client that left
          // before the answer says nothing about the worker.
          if (failure !== null || outcome === 'upstream_error' || status >= 500)
            circuit.breaker.failed(circuit.ticket);
          else if (outcome === 'client_aborted' && firstByteAt === null)
            circuit.breaker.abandoned(circuit.ticket);
          else circuit.breaker.succeeded(circuit.ticket);
        }
        resolve(failure === null || outgoing.destroyed ? { over: true } : { over: false, error: failure });
      },
      onChunk: (chunk) => record.usage.push(chunk),
      onUnreachable: (error) => {
        options.logger?.warn('worker unreachable', { worker: name, error: error.message });
        void manager.tick();
      },
      writeError: (error) => {
        if (!progress.failed(error)) writeJsonError(outgoing, error);
      },
      ownHeaders: progress.headers(),
      headersSent: progress.progress,
      ...(circuit
        ? {
            failedBeforeResponse: (error: GatewayError) => {
              failure = error;
            },
          }
        : {}),
    });
  });
}
