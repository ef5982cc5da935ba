import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import { type FakeSearxngServer, startFakeSearxngServer } from '../testing/index.js';
import { createSearxngSearch } from './searxng-search.js';

let server: FakeSearxngServer;
beforeAll(async () => {
  server = await startFakeSearxngServer();
});
afterAll(async () => {
  await server.close();
});

async function memoryError(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => new Error('it succeeded'),
    (caught: unknown) => caught,
  );
  expect(MemoryError.isInstance(error)).toBe(true);
  return error as MemoryError;
}

/** A port nothing listens on: a server opened, then closed. */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('createSearxngSearch', () => {
  it("asks the instance's JSON API and keeps title, url, snippet, engine and date of each result", async () => {
    const search = createSearxngSearch({ url: `${server.url}/` });
    const results = await search.search('  klody agent ', { limit: 10, language: 'fr' });
    const request = new URL(server.requests.at(-1) ?? '', server.url);
    expect(request.pathname).toBe('/search');
    expect(request.searchParams.get('q')).toBe('klody agent');
    expect(request.searchParams.get('format')).toBe('json');
    expect(request.searchParams.get('language')).toBe('fr');
    // The duplicate and the entry without a URL are dropped; a date that is not one is left out.
    expect(results).toEqual([
      {
        title: 'Klody, a local agent',
        url: server.pages.small,
        snippet: 'Klody runs on your own machine and cites its sources.',
        engine: 'duckduckgo',
        publishedAt: new Date('2026-11-02T10:00:00').toISOString(),
      },
      {
        title: 'Notes in plain text',
        url: server.pages.plain,
        snippet: 'A page of plain text.',
        engine: 'wikipedia',
      },
      { title: 'A very long page', url: server.pages.huge, snippet: 'Long.', engine: 'brave' },
    ]);
  });

  it('gives at most `limit` results', async () => {
    const search = createSearxngSearch({ url: server.url });
    expect((await search.search('klody', { limit: 1 })).map((result) => result.url)).toEqual([
      server.pages.small,
    ]);
  });

  it('says how to enable the JSON format when the instance answers 403', async () => {
    const search = createSearxngSearch({ url: server.jsonDisabledUrl });
    const error = await memoryError(search.search('klody', { limit: 5 }));
    expect(error.code).toBe('web_search_failed');
    expect(error.message).toContain('403');
    expect(error.message).toContain('formats: [html, json]');
    expect(error.message).toContain('settings.yml');
  });

  it('names the URL when the instance is not reachable', async () => {
    const url = await closedPortUrl();
    const error = await memoryError(createSearxngSearch({ url }).search('klody', { limit: 5 }));
    expect(error.code).toBe('web_search_failed');
    expect(error.message).toContain(`SearXNG is not reachable at ${url}`);
  });

  it('refuses an answer that is not JSON, quoting its start', async () => {
    const error = await memoryError(
      createSearxngSearch({ url: server.brokenUrl }).search('klody', { limit: 5 }),
    );
    expect(error.code).toBe('web_search_failed');
    expect(error.message).toContain('did not answer JSON');
    expect(error.message).toContain('{\\"query\\": \\"klody\\"');
  });

  it('gives up on a silent instance after timeoutMs', async () => {
    const started = performance.now();
    const search = createSearxngSearch({ url: server.silentUrl, timeoutMs: 300 });
    const error = await memoryError(search.search('klody', { limit: 5 }));
    expect(error.code).toBe('web_search_failed');
    expect(error.message).toContain('did not answer within 0.3 s');
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("reports the caller's abort as aborted, not as a failure of the instance", async () => {
    const controller = new AbortController();
    const search = createSearxngSearch({ url: server.silentUrl, timeoutMs: 10_000 });
    const pending = search.search('klody', { limit: 5, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await memoryError(pending)).code).toBe('aborted');
  });

  it('refuses an answer bigger than maxBytes instead of parsing a cut JSON', async () => {
    const error = await memoryError(
      createSearxngSearch({ url: server.url, maxBytes: 100 }).search('klody', { limit: 5 }),
    );
    expect(error.message).toContain('more than 100 bytes');
  });

  it('refuses a URL that is not http(s), an empty query and a bad limit', async () => {
    expect(() => createSearxngSearch({ url: 'file:///etc' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => createSearxngSearch({ url: '' })).toThrow(/not a URL/);
    const search = createSearxngSearch({ url: server.url });
    expect((await memoryError(search.search('  ', { limit: 5 }))).code).toBe('invalid_argument');
    expect((await memoryError(search.search('klody', { limit: 0 }))).code).toBe('invalid_argument');
  });
});
