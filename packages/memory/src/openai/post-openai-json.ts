import { MemoryError, type MemoryErrorCode } from '../errors/index.js';

export interface OpenAiEndpoint {
  /** Server base URL, with or without a trailing `/v1`. */
  baseUrl: string;
  apiKey?: string;
  fetch?: typeof fetch;
}

/** `<base>/v1/<path>`, whether or not the base URL already ends with `/v1`. */
export function openAiUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/${path}`;
}

/**
 * POSTs JSON to an OpenAI-compatible route, with a timeout on top of the caller's signal. Every
 * failure is a MemoryError: `aborted` when the caller cancelled, `failure` when the server is
 * unreachable or answers an error status (quoting the start of its body).
 */
export async function postOpenAiJson(
  endpoint: OpenAiEndpoint,
  url: string,
  body: unknown,
  options: { signal?: AbortSignal; timeoutMs: number; failure: MemoryErrorCode; what: string },
): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await (endpoint.fetch ?? fetch)(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
  } catch (error) {
    if (options.signal?.aborted)
      throw new MemoryError('aborted', `${options.what} aborted`, { cause: error });
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
