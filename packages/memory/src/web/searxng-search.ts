import { MemoryError } from '../errors/index.js';
import { timeLimit } from '../openai/index.js';
import { readBodyWithin } from './read-body-within.js';
import type { WebResult, WebSearch, WebSearchOptions } from './web-search.js';

export interface SearxngSearchOptions {
  /** The instance's base URL (`http://127.0.0.1:8888`), without `/search`. */
  url: string;
  fetch?: typeof fetch;
  /** Longest wait for the whole answer, body included (default 10 s). */
  timeoutMs?: number;
  /** Largest answer read (default 2 MiB): a bigger one is an error, not a cut JSON. */
  maxBytes?: number;
}

const enableJson =
  "enable it in the instance's settings.yml: `search: formats: [html, json]`, then restart SearXNG";

/** The base URL, checked: http(s) only, no query, trailing slashes and a trailing `/search` dropped. */
function baseUrlOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new MemoryError('invalid_argument', `the SearXNG URL "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new MemoryError('invalid_argument', `the SearXNG URL "${url}" must start with http:// or https://`);
  }
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '').replace(/\/search$/, '');
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function isWebUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The results of SearXNG's JSON answer (`{ query, results: [{ url, title, content, engine,
 * publishedDate, … }], answers, infoboxes, … }`, docs.searxng.org/dev/search_api): entries without an
 * http(s) URL are dropped (SearXNG's own "answers" carry none), duplicates keep their first place.
 */
export function searxngResults(body: unknown, limit: number): WebResult[] | null {
  if (typeof body !== 'object' || body === null) return null;
  const results = (body as { results?: unknown }).results;
  if (!Array.isArray(results)) return null;
  const seen = new Set<string>();
  const kept: WebResult[] = [];
  for (const entry of results) {
    if (kept.length >= limit) break;
    if (typeof entry !== 'object' || entry === null) continue;
    const { url, title, content, engine, publishedDate } = entry as Record<string, unknown>;
    if (!isWebUrl(url) || seen.has(url)) continue;
    seen.add(url);
    const publishedAt = isoDate(publishedDate);
    kept.push({
      title: typeof title === 'string' && title.trim() !== '' ? title.trim() : url,
      url,
      snippet: typeof content === 'string' ? content.trim() : '',
      ...(typeof engine === 'string' && engine !== '' ? { engine } : {}),
      ...(publishedAt ? { publishedAt } : {}),
    });
  }
  return kept;
}

/**
 * A WebSearch over a self-hosted SearXNG's JSON API (`GET <url>/search?q=…&format=json`). It talks
 * to that one URL and nothing else. Every failure is a `web_search_failed` MemoryError that says what
 * to do: not reachable, JSON format disabled (403), an answer that is not JSON, too slow, too big.
 */
export function createSearxngSearch(options: SearxngSearchOptions): WebSearch {
  const base = baseUrlOf(options.url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const fetcher = options.fetch ?? fetch;
  return {
    async search(query: string, { limit, language, signal }: WebSearchOptions): Promise<WebResult[]> {
      const text = query.trim();
      if (text === '') throw new MemoryError('invalid_argument', 'a web search needs a query');
      if (!Number.isInteger(limit) || limit < 1) {
        throw new MemoryError('invalid_argument', `limit must be a whole number above 0, not ${limit}`);
      }
      const url = new URL(`${base}/search`);
      url.searchParams.set('q', text);
      url.searchParams.set('format', 'json');
      if (language) url.searchParams.set('language', language);
      // One limit for the request and its body: a server that sends headers then stalls is caught too.
      const timeout = timeLimit(timeoutMs, `SearXNG at ${base} did not answer within ${timeoutMs / 1000} s`);
      const failed = (message: string, cause?: unknown) =>
        new MemoryError('web_search_failed', message, cause === undefined ? undefined : { cause });
      const whyStopped = (error: unknown): MemoryError => {
        if (signal?.aborted)
          return new MemoryError('aborted', 'the web search was aborted', { cause: error });
        if (timeout.aborted)
          return failed(`SearXNG at ${base} did not answer within ${timeoutMs / 1000} s`, error);
        return failed(`SearXNG is not reachable at ${base}: ${(error as Error).message}`, error);
      };
      let response: Response;
      try {
        response = await fetcher(url, {
          headers: { accept: 'application/json' },
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        });
      } catch (error) {
        throw whyStopped(error);
      }
      let body: Awaited<ReturnType<typeof readBodyWithin>>;
      try {
        body = await readBodyWithin(response, maxBytes);
      } catch (error) {
        throw whyStopped(error);
      }
      if (response.status === 403) {
        throw failed(`SearXNG at ${base} refuses the JSON format (403 Forbidden): ${enableJson}`);
      }
      if (!response.ok) {
        const start = new TextDecoder().decode(body.bytes.subarray(0, 300));
        throw failed(`SearXNG at ${base} answered ${response.status}: ${start}`);
      }
      if (body.truncated) {
        throw failed(`SearXNG at ${base} answered more than ${maxBytes} bytes; not read`);
      }
      const raw = new TextDecoder().decode(body.bytes);
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (error) {
        const start = JSON.stringify(raw.slice(0, 80));
        throw failed(
          `SearXNG at ${base} did not answer JSON (it starts with ${start}); is it SearXNG, with the JSON format on? (${enableJson})`,
          error,
        );
      }
      const results = searxngResults(parsed, limit);
      if (results === null) {
        throw failed(`SearXNG at ${base} answered JSON without a "results" list`);
      }
      return results;
    },
  };
}
