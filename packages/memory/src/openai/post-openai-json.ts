import { MemoryError, type MemoryErrorCode } from '../errors/index.js';
import { timeLimit } from './time-limit.js';

export interface OpenAiEndpoint {
  /** Server base URL, with or without a trailing `/v1`. */
  baseUrl: string;
  apiKey?: string;
  fetch?: typeof fetch;
}

function abortMessage(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}

/** `<base>/v1/<path>`, whether or not the base URL already ends with `/v1`. */
export function openAiUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/${path}`;
}

/**
 * POSTs JSON to an OpenAI-compatible route, with a timeout on top of the caller's signal. Every
 * failure is a MemoryError: `aborted` when the caller cancelled, `failure` when the server is
 * unreachable, too slow (`timeoutMs`, or the `limit` signal: its reason, a `TimeoutError`, is the
 * error's cause) or answers an error status (quoting the start of its body).
 */
export async function postOpenAiJson(
  endpoint: OpenAiEndpoint,
  url: string,
  body: unknown,
  options: {
    signal?: AbortSignal;
    timeoutMs: number;
    failure: MemoryErrorCode;
    what: string;
    /**
     * Aborts the request for being too slow (a first-token or idle limit the caller keeps): unlike
     * the caller's `signal`, it is reported as the `failure` code, not as `aborted`.
     */
    limit?: AbortSignal;
  },
): Promise<Response> {
  // It must also bound reading the body, after this function has returned: `timeLimit`, not
  // `AbortSignal.timeout`, which `AbortSignal.any` lets the garbage collector take (Node 20).
  const timeout = timeLimit(
    options.timeoutMs,
    `${url} did not answer within ${options.timeoutMs / 1000} s (${options.what})`,
  );
  const signals = [timeout, options.signal, options.limit].filter(
    (signal): signal is AbortSignal => signal !== undefined,
  );
  let response: Response;
  try {
    response = await (endpoint.fetch ?? fetch)(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: signals.length === 1 ? timeout : AbortSignal.any(signals),
    });
  } catch (error) {
    if (options.signal?.aborted)
      throw new MemoryError('aborted', `${options.what} aborted`, { cause: error });
    if (options.limit?.aborted)
      throw new MemoryError(options.failure, `${url}: ${abortMessage(options.limit)}`, {
        cause: options.limit.reason,
      });
    if (timeout.aborted)
      throw new MemoryError(
        options.failure,
        `${url} did not answer within ${options.timeoutMs / 1000} s (${options.what})`,
        { cause: timeout.reason },
      );
    throw new MemoryError(options.failure, `cannot reach ${url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!response.ok) {
    const text = (await response.text().catch(() => '')).slice(0, 300);
    throw new MemoryError(options.failure, `${url} answered ${response.status}: ${text}`);
  }
  return response;
}
