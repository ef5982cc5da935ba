// The relay: a worker's response goes to the client as it came (status, headers, bytes), chunk by
// chunk, never re-parsed: a worker that answers HTML or nothing must not become an opaque 500.
// `done` runs exactly once on every path — normal end, client disconnect, upstream error, timeout —
// which is what releases the worker's in-flight slot; a client that goes away aborts the upstream
// request at once, so the worker stops generating.
import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { GatewayError } from '../errors/index.js';
import type { RequestOutcome } from './gateway-metrics.js';
import { readWorkerErrorAnswer } from './load-progress.js';
import { hasRawHeader } from './raw-headers.js';
import { relayTarget } from './relay-target.js';

/** nginx's status for a request whose client closed the connection first. */
export const clientClosedRequest = 499;

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 1024, keepAliveMsecs: 10_000 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 1024 });

// Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the gateway sets itself.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'authorization',
  // Anthropic clients (Claude Code) send their key here: the client's credentials never go upstream.
  'x-api-key',
  'origin',
  'cookie',
]);

/**
 * The client's headers as the worker gets them: hop-by-hop ones and the client's own credentials and
 * Origin dropped, and the worker's key (the gateway's credential for that process) added when it has one.
 */
export function forwardHeaders(
  headers: IncomingHttpHeaders,
  workerKey: string | null = null,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) out[name] = value;
  }
  if (workerKey !== null) out.authorization = `Bearer ${workerKey}`;
  return out;
}

const responseHopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/**
 * The worker's response headers as they came (raw pairs keep case and order), minus hop-by-hop ones,
 * then the gateway's own (which replace any the worker sent under the same names).
 */
function responseHeaders(rawHeaders: readonly string[], own: Record<string, string> = {}): string[] {
  const out: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    if (responseHopByHop.has(name.toLowerCase()) || Object.hasOwn(own, name.toLowerCase())) continue;
    out.push(name, rawHeaders[index + 1] as string);
  }
  for (const [name, value] of Object.entries(own)) out.push(name, value);
  return out;
}

export interface RelayOptions {
  /** The worker's base URL (no /v1). */
  baseUrl: string;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer | null;
  outgoing: ServerResponse;
  incoming: IncomingMessage;
  /** Time for the worker to answer with headers. */
  headersTimeoutMs: number;
  /** Called exactly once when the exchange is over, however it ended. */
  done(outcome: RequestOutcome, status: number, firstByteAt: number | null): void;
  /** Sees each chunk of the worker's answer as it goes to the client (token accounting); must not keep it. */
  onChunk?(chunk: Buffer): void;
  /** Called when the worker could not be reached (the manager checks whether it crashed). */
  onUnreachable?(error: Error): void;
  writeError(error: GatewayError): void;
  /** The gateway's own response headers (lower-case names), added to the worker's. */
  ownHeaders?: Record<string, string>;
  /**
   * The client has this response's headers already (a load-progress stream, load-progress.ts): the
   * worker's body follows without the worker's headers, and its error answers and an unreachable
   * worker go to `writeError`, as no status can be sent any more.
   */
  headersSent?: boolean;
  /**
   * When set, a failure before any byte reached the client (unreachable, no headers in time, or a
   * 502/503 from the worker) is handed here instead of written, so the caller may try another worker
   * (a route's replicas); `done` follows at once.
   */
  failedBeforeResponse?(error: GatewayError): void;
  /**
   * Aborted when the worker is declared hung (its reason a GatewayError): before the worker's headers
   * the client gets that error, after them its response ends early.
   */
  signal?: AbortSignal;
}

export function relay(options: RelayOptions): void {
  const target = relayTarget(options.baseUrl, options.path);
  const secure = target.protocol === 'https:';
  let finished = false;
  let firstByteAt: number | null = null;
  let status = 0;
  const finish = (outcome: RequestOutcome) => {
    if (finished) return;
    finished = true;
    // A client that left before the worker answered has no HTTP status; 499 (nginx's "client closed
    // request") keeps the metrics' status label meaningful instead of "0".
    if (outcome === 'client_aborted' && status === 0) status = clientClosedRequest;
    clearTimeout(headersTimer);
    options.signal?.removeEventListener('abort', onAbort);
    options.done(outcome, status, firstByteAt);
  };
  const onAbort = () => abandon(options.signal?.reason);

  const headers = { ...options.headers };
  if (options.body) headers['content-length'] = options.body.length;
  let upstream: ClientRequest;

  const headersTimer = setTimeout(() => {
    if (status === 0) {
      upstream.destroy(
        new GatewayError(
          'upstream_timeout',
          `the worker did not answer within ${options.headersTimeoutMs / 1000} s`,
        ),
      );
    }
  }, options.headersTimeoutMs);

  // The client went away before the response ended: abort the worker's request.
  options.outgoing.once('close', () => {
    if (!options.outgoing.writableFinished) {
      upstream.destroy();
      finish('client_aborted');
    }
  });

  // (`headersSent` is true as soon as they are set: no body byte written yet is what tells.)
  const flushHeadersIfUnsent = () => {
    const { outgoing } = options;
    if (firstByteAt === null && !outgoing.writableEnded && !outgoing.destroyed) outgoing.flushHeaders();
  };

  const onResponse = (response: IncomingMessage) => {
    status = response.statusCode ?? 502;
    clearTimeout(headersTimer);
    if (finished) {
      response.destroy();
      return;
    }
    if (options.failedBeforeResponse && !options.headersSent && (status === 502 || status === 503)) {
      response.resume();
      options.failedBeforeResponse(
        new GatewayError('worker_unreachable', `the worker at ${options.baseUrl} answered ${status}`),
      );
      finish('upstream_error');
      return;
    }
    if (options.headersSent && status >= 400) {
      void readWorkerErrorAnswer(response).then((error) => {
        if (finished) return;
        options.writeError(error);
        finish('completed');
      });
      return;
    }
    if (!options.headersSent) {
      options.outgoing.writeHead(status, responseHeaders(response.rawHeaders, options.ownHeaders));
      // A stream (no length announced: SSE, chunked) must show its headers at once; a sized body goes
      // out with its headers in one write. "At once" is this turn of the event loop: a first chunk that
      // came in the same read as the headers (the usual case) flows out in the next-tick queue, which
      // Node drains before microtasks, and takes them along in one write instead of two.
      if (!hasRawHeader(response.rawHeaders, 'content-length')) queueMicrotask(flushHeadersIfUnsent);
    }
    response.on('data', (chunk: Buffer) => {
      firstByteAt ??= performance.now();
      options.onChunk?.(chunk);
      if (!options.outgoing.write(chunk)) {
        response.pause();
        options.outgoing.once('drain', () => response.resume());
      }
    });
    response.on('end', () => {
      options.outgoing.end();
      finish('completed');
    });
    response.on('error', () => {
      // The worker broke the stream mid-way: the client sees the connection end early.
      options.outgoing.destroy();
      finish('upstream_error');
    });
    response.on('aborted', () => {
      options.outgoing.destroy();
      finish('upstream_error');
    });
  };

  const send = (mayRetry: boolean) => {
    const request = (secure ? httpsRequest : httpRequest)({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      method: options.method,
      headers,
      agent: secure ? httpsAgent : httpAgent,
    });
    upstream = request;
    request.setNoDelay(true);
    request.on('response', onResponse);
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (finished) return;
      if (status !== 0) {
        options.outgoing.destroy();
        finish('upstream_error');
        return;
      }
      // A kept-alive connection the worker closed just as we reused it: the request never reached
      // it, and the body is in memory, so it is sent once more on a fresh connection (Node's advice
      // for `request.reusedSocket`).
      if (mayRetry && request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        send(false);
        return;
      }
      const gatewayError = GatewayError.isInstance(error)
        ? error
        : new GatewayError(
            'worker_unreachable',
            `the worker at ${options.baseUrl} could not be reached: ${error.message}`,
          );
      if (!GatewayError.isInstance(error)) options.onUnreachable?.(error);
      status = gatewayError.status;
      if ((options.headersSent || !options.outgoing.headersSent) && !options.outgoing.destroyed) {
        if (options.failedBeforeResponse && !options.headersSent) options.failedBeforeResponse(gatewayError);
        else options.writeError(gatewayError);
      }
      finish('upstream_error');
    });
    request.end(options.body ?? undefined);
  };
  send(true);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  /** The worker is given up on (hung): the client gets the error, or the end of its stream, now. */
  function abandon(reason: unknown): void {
    if (finished) return;
    const error = GatewayError.isInstance(reason)
      ? reason
      : new GatewayError('worker_hung', 'the worker stopped answering');
    const answered = status !== 0;
    if (!answered) status = error.status;
    finish('upstream_error');
    upstream.destroy();
    if (!answered && !options.outgoing.headersSent && !options.outgoing.destroyed) options.writeError(error);
    else options.outgoing.destroy();
  }
}
