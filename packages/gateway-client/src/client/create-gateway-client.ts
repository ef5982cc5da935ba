import OpenAI from 'openai';
import type { z } from 'zod';
import { GatewayClientError } from '../errors/index.js';
import {
  type EnsureResponse,
  ensureResponseSchema,
  errorBodySchema,
  type HealthResponse,
  healthResponseSchema,
  type ModelListResponse,
  modelListResponseSchema,
  type ReserveResponse,
  reserveRequestSchema,
  reserveResponseSchema,
  type StatusResponse,
  statusResponseSchema,
  type UnloadResponse,
  unloadResponseSchema,
} from '../schemas/index.js';
import { startTimeLimit } from './time-limit.js';

export interface GatewayClientOptions {
  /** The gateway's base URL, without `/v1` (CONTRACTS.md: `KLODY_GATEWAY_URL`). */
  baseURL: string;
  /** The gateway's bearer key, when it has one. */
  apiKey?: string | undefined;
  /** Timeout of `models`, `health`, `status`, in milliseconds (default 10 s). */
  timeoutMs?: number;
  /**
   * Timeout of `ensure`, `unload` and `reserve`, which may wait for a model to load or stop (default
   * 5 minutes).
   */
  ensureTimeoutMs?: number;
  /** Injected fetch (tests, proxies); the global fetch by default. */
  fetch?: typeof globalThis.fetch;
}

export interface CallOptions {
  /** Aborts the call: it then fails with `aborted`. */
  signal?: AbortSignal;
  /** The call's time limit in milliseconds, the answer's whole body included. */
  timeoutMs?: number;
}

export interface GatewayClient {
  /** An OpenAI client whose base URL is the gateway's `/v1`. */
  readonly openai: OpenAI;
  readonly baseURL: string;
  /** The ids (aliases and worker names) the gateway routes: `GET /v1/models`. */
  models(options?: CallOptions): Promise<ModelListResponse>;
  health(options?: CallOptions): Promise<HealthResponse>;
  status(options?: CallOptions): Promise<StatusResponse>;
  /** Makes the model resident (loading it, evicting others if needed). */
  ensure(model: string, options?: CallOptions): Promise<EnsureResponse>;
  unload(model: string, options?: CallOptions): Promise<UnloadResponse>;
  /** One-shot: evicts idle workers until `gb` GiB are measured free; check `satisfied` before a heavy job. */
  reserve(gb: number, options?: CallOptions): Promise<ReserveResponse>;
}

const adminAnswer = "an answer of the gateway's admin API";
const modelListAnswer = { schema: modelListResponseSchema, name: 'a model list' };

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Creates the typed client of a Klody gateway. Nothing is contacted until a call is made. */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  let parsed: URL;
  try {
    parsed = new URL(options.baseURL);
  } catch {
    throw new GatewayClientError(
      'invalid_argument',
      `baseURL is not a URL: ${JSON.stringify(options.baseURL)}`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GatewayClientError('invalid_argument', `baseURL must be http(s), got ${parsed.protocol}`);
  }
  const baseURL = trimSlash(options.baseURL);
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  const defaultTimeoutMs = options.timeoutMs ?? 10_000;
  const ensureTimeoutMs = options.ensureTimeoutMs ?? 300_000;

  const openai = new OpenAI({
    baseURL: `${baseURL}/v1`,
    // The OpenAI client insists on a key; a gateway without one ignores the header.
    apiKey: options.apiKey ?? 'no-key',
    fetch: fetchImplementation,
  });

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    answer: { schema: z.ZodType<T>; name: string },
    body: unknown,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const url = `${baseURL}${path}`;
    const limit = startTimeLimit(timeoutMs, `${method} ${url} did not answer within ${timeoutMs} ms`);
    const combined = signal ? AbortSignal.any([signal, limit.signal]) : limit.signal;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    let response: Response;
    let text: string;
    try {
      // The limit covers the body too: a gateway that sends headers and then trickles is no answer.
      response = await fetchImplementation(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: combined,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted)
        throw new GatewayClientError('aborted', `${method} ${url} was aborted`, { cause: error });
      if (limit.signal.aborted) {
        throw new GatewayClientError('timeout', `${method} ${url} did not answer within ${timeoutMs} ms`, {
          cause: error,
        });
      }
      const reason =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      throw new GatewayClientError('unreachable', `cannot reach the gateway at ${baseURL} (${reason})`, {
        cause: error,
      });
    } finally {
      limit.clear();
    }
    let json: unknown = null;
    let isJson = true;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      isJson = false;
    }
    if (!response.ok) {
      const errorBody = errorBodySchema.safeParse(json);
      const serverCode = errorBody.success ? errorBody.data.error.code : null;
      const detail = errorBody.success
        ? errorBody.data.error.message
        : text.replace(/\s+/g, ' ').trim().slice(0, 200) || response.statusText;
      throw new GatewayClientError(
        'http_error',
        `${method} ${url} failed with ${response.status}${serverCode ? ` ${serverCode}` : ''}: ${detail}`,
        { status: response.status, serverCode },
      );
    }
    if (!isJson) {
      // Most often an HTML page: a proxy, or another web server on the gateway's port.
      throw new GatewayClientError(
        'invalid_response',
        `${method} ${url} answered ${response.headers.get('content-type') ?? 'no content type'}, not ${answer.name}`,
        { status: response.status },
      );
    }
    const result = answer.schema.safeParse(json);
    if (!result.success) {
      throw new GatewayClientError(
        'invalid_response',
        `${method} ${url} answered JSON that is not ${answer.name}: ${result.error.issues
          .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
          .join('; ')}`,
        { status: response.status },
      );
    }
    return result.data;
  }

  function requireModel(model: string): void {
    if (typeof model !== 'string' || model.length === 0) {
      throw new GatewayClientError('invalid_argument', 'model must be a non-empty alias');
    }
  }

  return {
    openai,
    baseURL,
    models: (callOptions = {}) =>
      call(
        'GET',
        '/v1/models',
        modelListAnswer,
        undefined,
        callOptions.timeoutMs ?? defaultTimeoutMs,
        callOptions.signal,
      ),
    health: (callOptions = {}) =>
      call(
        'GET',
        '/health',
        { schema: healthResponseSchema, name: 'a health answer' },
        undefined,
        callOptions.timeoutMs ?? defaultTimeoutMs,
        callOptions.signal,
      ),
    status: (callOptions = {}) =>
      call(
        'GET',
        '/admin/status',
        { schema: statusResponseSchema, name: adminAnswer },
        undefined,
        callOptions.timeoutMs ?? defaultTimeoutMs,
        callOptions.signal,
      ),
    async ensure(model, callOptions = {}) {
      requireModel(model);
      return call(
        'POST',
        '/admin/ensure',
        { schema: ensureResponseSchema, name: adminAnswer },
        { model },
        callOptions.timeoutMs ?? ensureTimeoutMs,
        callOptions.signal,
      );
    },
    async unload(model, callOptions = {}) {
      requireModel(model);
      return call(
        'POST',
        '/admin/unload',
        { schema: unloadResponseSchema, name: adminAnswer },
        { model },
        callOptions.timeoutMs ?? ensureTimeoutMs,
        callOptions.signal,
      );
    },
    async reserve(gb, callOptions = {}) {
      const request = reserveRequestSchema.safeParse({ gb });
      if (!request.success) {
        throw new GatewayClientError('invalid_argument', `gb must be a finite number ≥ 0, got ${String(gb)}`);
      }
      return call(
        'POST',
        '/admin/reserve',
        { schema: reserveResponseSchema, name: adminAnswer },
        request.data,
        callOptions.timeoutMs ?? ensureTimeoutMs,
        callOptions.signal,
      );
    },
  };
}

/**
 * Client options from the environment (CONTRACTS.md): `KLODY_GATEWAY_URL` (default
 * `http://127.0.0.1:8090`; `none` means no gateway, answered with null) and `KLODY_GATEWAY_API_KEY`.
 */
export function gatewayClientOptionsFromEnvironment(
  environment: Record<string, string | undefined>,
): GatewayClientOptions | null {
  const url = environment.KLODY_GATEWAY_URL?.trim() || 'http://127.0.0.1:8090';
  if (url === 'none') return null;
  return { baseURL: url, apiKey: environment.KLODY_GATEWAY_API_KEY || undefined };
}
