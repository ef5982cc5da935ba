// A request's wait for its model to load, made visible. Every answer a worker gives carries
// `x-klody-loaded`: `0` when the model was ready, else the seconds the request waited for the load.
// A streamed request (`"stream": true`) that finds its model not ready (stopped, loading, or waiting
// for room) gets its SSE headers at once (200, text/event-stream) and a comment line every ~2 s while
// it waits — `: klody loading <model> (<what it waits for>, <seconds> s waited)` — which OpenAI clients
// ignore (a line starting with ':' is an SSE comment), then the worker's stream body. Its headers went
// out before the load ended, so they say `x-klody-loaded: pending`, and a last comment gives the time.
// A failure after those headers can no longer be an HTTP status: it is an SSE event
// `data: {"error":{"code","message"}}`, and the stream ends (the openai SDK throws an APIError on it).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkerState } from '@klody/gateway-client/schemas';
import { errorBody } from '@klody/service';
import { GatewayError } from '../errors/index.js';
import { needsLoad, waitDescription } from './model-state.js';
import type { RelayedRequest } from './relayed-request.js';

export const loadedHeader = 'x-klody-loaded';

/** How often a waiting stream gets a comment: often enough for proxies and clients with idle timeouts. */
export const progressIntervalMs = 2_000;

/** Whether the request asks for an SSE stream (only JSON bodies can). */
export function isStreamed(request: RelayedRequest): boolean {
  return request.kind === 'json' && request.json.stream === true;
}

/** A name that came from a client, safe on one SSE comment line. */
function oneLine(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ');
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

const secondsText = (seconds: number) => seconds.toFixed(1);

export interface LoadWaitOptions {
  outgoing: ServerResponse;
  /** The model as the client named it (an alias the gateway routes). */
  model: string;
  streamed: boolean;
  /** The worker's state now; null once it has left the registry (a reload). */
  state: () => WorkerState | null;
  intervalMs?: number;
}

/**
 * One request's wait for its worker, from just after `acquire` was called (so that a load it
 * started shows as loading) until it holds a slot or failed.
 */
export class LoadWait {
  private readonly started = performance.now();
  private readonly waitsForLoad: boolean;
  private timer: NodeJS.Timeout | null = null;
  private beginning: NodeJS.Immediate | null = null;
  private stopped = false;
  private waitedSeconds = 0;
  private began = false;

  constructor(private readonly options: LoadWaitOptions) {
    const state = options.state();
    this.waitsForLoad = state !== null && needsLoad(state);
    // Not at once: a refusal that comes without waiting (queue_full, insufficient_memory) settles the
    // acquire within this turn of the event loop, and keeps its HTTP status.
    if (this.waitsForLoad && options.streamed) this.beginning = setImmediate(() => this.begin());
  }

  /** True once the client has this response's headers: what follows must be SSE. */
  get progress(): boolean {
    return this.began;
  }

  /** The gateway's own headers on the worker's answer (without progress; with it, they went out already). */
  headers(): Record<string, string> {
    return { [loadedHeader]: this.waitsForLoad ? secondsText(this.waitedSeconds) : '0' };
  }

  /** The request holds its worker: no more comments; a stream gets the wait's length as a last one. */
  acquired(): void {
    this.stop();
    if (this.progress && this.writable())
      this.options.outgoing.write(
        `: klody loaded ${oneLine(this.options.model)} in ${secondsText(this.waitedSeconds)} s\n\n`,
      );
  }

  /**
   * The wait failed (the load, the queue) or the worker failed after the headers went out. Returns true
   * when the error was written here (an SSE error event, the stream ended): the caller must not
   * answer again; false when no headers went out, and the caller answers as usual.
   */
  failed(error: unknown): boolean {
    this.stop();
    if (!this.progress) return false;
    const gatewayError = GatewayError.isInstance(error)
      ? error
      : new GatewayError('worker_error', 'the request failed while its model was loading');
    if (this.writable()) {
      const { code, message } = gatewayError;
      this.options.outgoing.end(`data: ${JSON.stringify(errorBody(code, message))}\n\n`);
    }
    return true;
  }

  /** The wait is over, however it ended (the client may have left): no more comments. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.waitedSeconds = (performance.now() - this.started) / 1000;
    if (this.beginning !== null) clearImmediate(this.beginning);
    if (this.timer !== null) clearInterval(this.timer);
    this.beginning = null;
    this.timer = null;
  }

  private begin(): void {
    this.beginning = null;
    const { outgoing } = this.options;
    if (outgoing.destroyed || outgoing.headersSent) return;
    this.began = true;
    outgoing.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      [loadedHeader]: 'pending',
    });
    outgoing.flushHeaders();
    this.comment();
    this.timer = setInterval(() => this.comment(), this.options.intervalMs ?? progressIntervalMs);
  }

  private comment(): void {
    if (!this.writable()) return;
    const state = this.options.state();
    const what = state === null ? 'waiting' : waitDescription(state);
    const seconds = secondsText((performance.now() - this.started) / 1000);
    this.options.outgoing.write(
      `: klody loading ${oneLine(this.options.model)} (${what}, ${seconds} s waited)\n\n`,
    );
  }

  private writable(): boolean {
    return !this.options.outgoing.destroyed && !this.options.outgoing.writableEnded;
  }
}

const errorAnswerLimitBytes = 64 * 1024;

/**
 * A worker's error answer (status ≥ 400) that arrives after a load-progress stream sent its 200, read
 * (its first 64 KiB) into a `worker_error` whose message holds the status and the worker's own error.
 */
export function readWorkerErrorAnswer(response: IncomingMessage): Promise<GatewayError> {
  const status = response.statusCode ?? 502;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= errorAnswerLimitBytes) chunks.push(chunk);
    });
    response.on('end', () => resolve(workerErrorAnswer(status, Buffer.concat(chunks))));
    response.on('error', () => resolve(workerErrorAnswer(status, Buffer.concat(chunks))));
    response.on('aborted', () => resolve(workerErrorAnswer(status, Buffer.concat(chunks))));
  });
}

/** The status and the worker's own error (when its body is the usual JSON error) in one message. */
export function workerErrorAnswer(status: number, body: Buffer): GatewayError {
  let detail = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(detail) as { error?: { code?: unknown; message?: unknown } | string };
    const error = parsed.error;
    if (typeof error === 'string') detail = error;
    else if (error && typeof error.message === 'string')
      detail = typeof error.code === 'string' ? `${error.code}: ${error.message}` : error.message;
  } catch {
    // Not JSON: the text itself, cut.
  }
  if (detail.length > 300) detail = `${detail.slice(0, 299)}…`;
  return new GatewayError('worker_error', `the worker answered ${status}${detail ? `: ${detail}` : ''}`);
}
