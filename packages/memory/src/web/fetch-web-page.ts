import { MemoryError } from '../errors/index.js';
import { htmlTitle } from '../loaders/html-loader.js';
import { htmlToPlainText } from '../loaders/html-to-plain-text.js';
import { timeLimit } from '../openai/index.js';
import { assertPublicHost, type HostLookup } from './private-address.js';
import { readBodyWithin } from './read-body-within.js';

export interface FetchWebPageOptions {
  fetch?: typeof fetch;
  /** Longest wait for the page, body included; past it the fetch fails. */
  timeoutMs: number;
  /** Most bytes read; past it the page is cut there and `truncated` says so. */
  maxBytes: number;
  signal?: AbortSignal;
  /**
   * Fetch hosts on loopback or a private network too (default false: a URL from a search result must
   * not reach the user's own services). Tests against a local server turn it on.
   */
  allowPrivateNetwork?: boolean;
  /** How host names are resolved for that check (node:dns by default). */
  lookup?: HostLookup;
}

/** A page as text: `text` is the readable text of its HTML (or the page itself when it is plain text). */
export interface WebPage {
  /** The URL the text came from, after redirects. */
  url: string;
  title: string;
  text: string;
  /** True when the page had more than `maxBytes` bytes: the text is its beginning only. */
  truncated: boolean;
}

const maxRedirects = 5;

function webUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MemoryError('invalid_argument', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new MemoryError(
      'invalid_argument',
      `only http(s) pages are fetched, not ${parsed.protocol} (${url})`,
    );
  }
  return parsed;
}

function decode(bytes: Uint8Array, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    // Not fatal: a page cut at maxBytes may end inside a character.
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/**
 * Fetches one web page as text, bounded in time (`timeoutMs`, body included) and size (`maxBytes`:
 * reading stops there and the text says it was cut). Only http(s); HTML is turned into text by the
 * loaders' converter (no scripts, styles, images or link targets), plain text is kept as it is, and
 * any other content (PDF, images, archives) is refused without being downloaded. Redirects are
 * followed (at most 5), each target checked like the first URL.
 */
export async function fetchWebPage(url: string, options: FetchWebPageOptions): Promise<WebPage> {
  let target = webUrl(url);
  const fetcher = options.fetch ?? fetch;
  const seconds = options.timeoutMs / 1000;
  const timeout = timeLimit(options.timeoutMs, `${url} did not answer within ${seconds} s`);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const whyStopped = (error: unknown): MemoryError => {
    if (MemoryError.isInstance(error)) return error;
    if (options.signal?.aborted)
      return new MemoryError('aborted', 'the page fetch was aborted', { cause: error });
    if (timeout.aborted) {
      return new MemoryError('web_fetch_failed', `${target.href} did not answer within ${seconds} s`, {
        cause: error,
      });
    }
    return new MemoryError('web_fetch_failed', `cannot fetch ${target.href}: ${(error as Error).message}`, {
      cause: error,
    });
  };
  try {
    for (let redirects = 0; ; redirects++) {
      if (!options.allowPrivateNetwork) await assertPublicHost(target, options.lookup);
      const response = await fetcher(target, {
        redirect: 'manual',
        headers: { accept: 'text/html, application/xhtml+xml, text/plain;q=0.8' },
        signal,
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel().catch(() => undefined);
        if (redirects >= maxRedirects) {
          throw new MemoryError('web_fetch_failed', `${url} redirects more than ${maxRedirects} times`);
        }
        target = webUrl(new URL(location, target).href);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new MemoryError('web_fetch_failed', `${target.href} answered ${response.status}`);
      }
      const contentType = response.headers.get('content-type') ?? '';
      const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      const html = mediaType === 'text/html' || mediaType === 'application/xhtml+xml';
      if (!html && !mediaType.startsWith('text/')) {
        await response.body?.cancel().catch(() => undefined);
        throw new MemoryError(
          'web_fetch_failed',
          `${target.href} is ${mediaType || 'of no stated type'}, not a web page of text; not read`,
        );
      }
      const body = await readBodyWithin(response, options.maxBytes);
      const raw = decode(body.bytes, contentType);
      return {
        url: target.href,
        title: (html ? htmlTitle(raw) : null) ?? target.href,
        text: (html ? htmlToPlainText(raw) : raw).trim(),
        truncated: body.truncated,
      };
    }
  } catch (error) {
    throw whyStopped(error);
  }
}
