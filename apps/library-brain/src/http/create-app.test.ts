import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@klody/service';
import { describe, expect, it } from 'vitest';
import type { Library } from '../library/library.js';
import { createFakeLibrary } from '../testing/fake-library.js';
import { createApp, jsonBodyLimitBytes } from './create-app.js';

const root = mkdtempSync(join(tmpdir(), 'klody-library-roots-'));
const allowedFolder = join(root, 'books');
mkdirSync(allowedFolder);
writeFileSync(join(allowedFolder, 'alice.txt'), 'Alice');
const outside = mkdtempSync(join(tmpdir(), 'klody-outside-'));
writeFileSync(join(outside, 'secret.txt'), 'secret');
symlinkSync(join(outside, 'secret.txt'), join(allowedFolder, 'link-to-secret.txt'));

function setup(options: { library?: Library; logger?: Parameters<typeof createApp>[0]['logger'] } = {}) {
  const library = options.library ?? createFakeLibrary();
  const app = createApp({
    library,
    libraryRoots: [allowedFolder],
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const request = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    app.request(`http://127.0.0.1:8765${path}`, {
      ...init,
      headers: { host: '127.0.0.1:8765', ...init.headers },
    });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  return { request, post };
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe('Library Brain HTTP API', () => {
  it('answers /health and lists books', async () => {
    const { request } = setup();
    expect(await (await request('/health')).json()).toMatchObject({
      status: 'ok',
      gateway: 'disabled',
      books: 1,
      ready: 1,
    });
    const books = (await (await request('/api/books')).json()) as {
      books: { title: string }[];
      roots: string[];
    };
    expect(books.books.map((book) => book.title)).toEqual(['Alice in Wonderland']);
    expect(books.roots).toEqual([allowedFolder]);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin (CSRF)', async () => {
    const { request } = setup();
    const rebinding = await request('/api/books', { headers: { host: 'evil.example:8765' } });
    expect(rebinding.status).toBe(403);
    expect((await errorOf(rebinding)).code).toBe('forbidden_host');
    const crossSite = await request('/api/books', { headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect((await errorOf(crossSite)).code).toBe('forbidden_origin');
    const sameOrigin = await request('/api/books', { headers: { origin: 'http://127.0.0.1:8765' } });
    expect(sameOrigin.status).toBe(200);
    const opaque = await request('/api/books', { headers: { origin: 'null' } });
    expect((await errorOf(opaque)).code).toBe('forbidden_origin');
  });

  it("answers Host and Origin by @klody/service's one loopback policy, not Origin = Host", async () => {
    const { request } = setup();
    const statusFor = async (headers: Record<string, string>) =>
      (await request('/api/books', { headers })).status;
    // What the kit changed: a page of this machine on another port or name is this machine too (the
    // old rule wanted Origin equal to Host), and every 127.0.0.0/8 address and *.localhost name is.
    expect(await statusFor({ origin: 'http://localhost:3000' })).toBe(200);
    expect(await statusFor({ host: 'library.localhost:8765', origin: 'http://library.localhost:8765' })).toBe(
      200,
    );
    expect(await statusFor({ host: '127.0.0.2:8765' })).toBe(200);
    expect(await statusFor({ host: '[::1]:8765' })).toBe(200);
    expect(await statusFor({ host: '::1' })).toBe(403);
    expect(await statusFor({ origin: 'http://127.0.0.1.evil.example:8765' })).toBe(403);
  });

  it('logs a bug with the request id, and answers it as 500 internal_error, never its stack', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const destination = { write: (line: string) => logged.push(JSON.parse(line)) };
    // A fake library whose book list fails the way a bug does: a plain TypeError.
    const broken: Library = {
      ...createFakeLibrary(),
      books: () => {
        throw new TypeError('the fake library is broken');
      },
      listBooks: () => {
        throw new TypeError('the fake library is broken');
      },
    };
    const { request } = setup({
      library: broken,
      logger: createLogger({ service: 'library-brain', level: 'info', destination }),
    });
    const answer = await request('/api/books', { headers: { 'x-request-id': 'books-1' } });
    expect(answer.headers.get('x-request-id')).toBe('books-1');
    expect(await answer.json()).toEqual({ error: { code: 'internal_error', message: expect.any(String) } });
    expect(logged[0]?.err).toMatchObject({ type: 'TypeError', message: 'the fake library is broken' });
    expect(logged[1]).toMatchObject({ requestId: 'books-1', path: '/api/books', status: 500 });
  });

  it('gives clear 400s for malformed JSON and invalid fields', async () => {
    const { post, request } = setup();
    const malformed = await post('/api/ask', '{"question": ');
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe('invalid_json');
    const empty = await post('/api/ask', { question: '   ' });
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).message).toMatch(/question/);
    const badK = await request('/api/search?q=alice&k=-3');
    expect(badK.status).toBe(400);
    expect((await errorOf(badK)).message).toMatch(/^k:/);
  });

  it('answers 413 for a body over the limit', async () => {
    const { post } = setup();
    const response = await post('/api/ask', { question: 'x'.repeat(jsonBodyLimitBytes + 10) });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('body_too_large');
  });

  it('ingests only inside KLODY_LIBRARY_ROOTS, links resolved', async () => {
    const library = createFakeLibrary();
    const { post } = setup({ library });
    const inside = await post('/api/ingest', { paths: [join(allowedFolder, 'alice.txt')] });
    expect(inside.status).toBe(200);
    expect(library.calls.ingested).toEqual([[join(allowedFolder, 'alice.txt')]]);
    for (const path of [
      join(outside, 'secret.txt'),
      join(allowedFolder, '..', '..', 'etc'),
      join(allowedFolder, 'link-to-secret.txt'),
    ]) {
      const refused = await post('/api/ingest', { paths: [path] });
      expect(refused.status).toBe(403);
      expect((await errorOf(refused)).code).toBe('path_not_allowed');
    }
    expect(library.calls.ingested).toHaveLength(1);
  });

  it('searches with the CLI result shape', async () => {
    const { request } = setup();
    const body = (await (await request('/api/search?q=Alice&k=3')).json()) as { results: unknown[] };
    expect(body.results).toEqual([
      expect.objectContaining({ book: 'Alice in Wonderland', chapter: 'CHAPTER I', start: 0, score: 1 }),
    ]);
  });

  it('answers as JSON, or streams tokens then citations over SSE', async () => {
    const { post } = setup();
    const json = (await (await post('/api/ask', { question: 'Who is Alice?' })).json()) as {
      refused: boolean;
    };
    expect(json.refused).toBe(false);
    const stream = await post('/api/ask', { question: 'Who is Alice?', stream: true });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await stream.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events).toEqual(['token', 'token', 'token', 'token', 'citations', 'done']);
    expect(text).toContain('"answer":"Alice was tired [1]."');
  });

  it('removes a book, and answers 404 JSON for an unknown book or route', async () => {
    const { request } = setup();
    expect((await request('/api/books/1', { method: 'DELETE' })).status).toBe(200);
    const again = await request('/api/books/1', { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect((await errorOf(again)).code).toBe('not_found');
    const unknown = await request('/api/nothing');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('not_found');
  });

  it('serves the web page', async () => {
    const { request } = setup();
    const page = await request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Library Brain</title>');
    expect((await request('/app.js')).headers.get('content-type')).toMatch(/javascript/);
  });
});
