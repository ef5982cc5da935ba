import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import { type FakeSearxngServer, startFakeSearxngServer } from '../testing/index.js';
import { fetchWebPage } from './fetch-web-page.js';
import { assertPublicHost, isPrivateAddress } from './private-address.js';

let server: FakeSearxngServer;
beforeAll(async () => {
  server = await startFakeSearxngServer({ hugeBytes: 8 * 1024 * 1024 });
});
afterAll(async () => {
  await server.close();
});

const local = { timeoutMs: 5_000, maxBytes: 64 * 1024, allowPrivateNetwork: true };

async function memoryError(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => new Error('it succeeded'),
    (caught: unknown) => caught,
  );
  expect(MemoryError.isInstance(error)).toBe(true);
  return error as MemoryError;
}

describe('fetchWebPage', () => {
  it("gives an HTML page's title and readable text, without scripts, styles or navigation", async () => {
    const page = await fetchWebPage(server.pages.small, local);
    expect(page).toMatchObject({ url: server.pages.small, title: 'Klody, a local agent', truncated: false });
    expect(page.text).toContain('# Klody');
    expect(page.text).toContain('Klody runs on your own machine and cites its sources.');
    expect(page.text).not.toContain('steal');
    expect(page.text).not.toContain('color: red');
    expect(page.text).not.toContain('Home · About');
  });

  it('keeps plain text as it is and follows a redirect to the page it names', async () => {
    expect(await fetchWebPage(server.pages.plain, local)).toMatchObject({
      text: 'Plain notes.\nSecond line.',
      title: server.pages.plain,
    });
    expect(await fetchWebPage(server.pages.redirect, local)).toMatchObject({
      url: server.pages.small,
      title: 'Klody, a local agent',
    });
  });

  it('stops reading a huge page at maxBytes and says it was cut', async () => {
    const started = performance.now();
    const page = await fetchWebPage(server.pages.huge, { ...local, maxBytes: 50_000 });
    expect(page.truncated).toBe(true);
    expect(page.title).toBe('Huge');
    expect(page.text.length).toBeGreaterThan(40_000);
    expect(page.text.length).toBeLessThanOrEqual(50_000);
    // 8 MiB were on offer; only the beginning was read.
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('gives up on a page that stalls after timeoutMs, naming it', async () => {
    const started = performance.now();
    const error = await memoryError(fetchWebPage(server.pages.slow, { ...local, timeoutMs: 300 }));
    expect(error.code).toBe('web_fetch_failed');
    expect(error.message).toBe(`${server.pages.slow} did not answer within 0.3 s`);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('refuses content that is not a page of text without reading it', async () => {
    const error = await memoryError(fetchWebPage(server.pages.pdf, local));
    expect(error.code).toBe('web_fetch_failed');
    expect(error.message).toContain('is application/pdf, not a web page of text');
  });

  it('fetches only http(s) pages', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.org/x', 'data:text/html,<p>x</p>']) {
      const error = await memoryError(fetchWebPage(url, local));
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toContain('only http(s) pages are fetched');
    }
  });

  it('refuses loopback and private hosts unless allowed, so a search result cannot reach local services', async () => {
    const before = server.requests.length;
    const error = await memoryError(fetchWebPage(server.pages.small, { timeoutMs: 1_000, maxBytes: 1_000 }));
    expect(error.code).toBe('web_fetch_failed');
    expect(error.message).toContain('127.0.0.1 is not on the public internet');
    expect(server.requests.length).toBe(before);
  });
});

describe('private addresses', () => {
  it('tells loopback, private, link-local and mapped addresses from public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      '[::1]',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '100.64.0.1',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '1.1.1.1', '172.32.0.1', '2606:4700::1111']) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it('checks what a host name resolves to', async () => {
    const resolvesTo = (addresses: string[]) => async () => addresses;
    await expect(
      assertPublicHost(new URL('http://intranet.example/'), resolvesTo(['10.0.0.5'])),
    ).rejects.toThrow('intranet.example (10.0.0.5) is not on the public internet');
    await expect(assertPublicHost(new URL('http://localhost:8090/admin'))).rejects.toThrow(/localhost/);
    await expect(
      assertPublicHost(new URL('http://example.org/'), resolvesTo(['93.184.216.34'])),
    ).resolves.toBeUndefined();
  });
});
