// The composed service app on a real HTTP server (127.0.0.1, a free port): policy, key, limits,
// errors and request ids as a client sees them.
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../errors/service-error.js';
import { limitBody } from '../limits/body-limit.js';
import { createLogger } from '../logging/create-logger.js';
import { type RunningService, serve } from '../server/serve.js';
import { rawRequest as send } from '../testing/raw-request.js';
import { createServiceApp } from './create-service-app.js';

class FakePackageError extends Error {
  constructor(readonly code: 'upstream_failed' | 'bad_input') {
    super(`a package failed with ${code}`);
  }
}

describe('a service app on a real server', () => {
  let service: RunningService;
  const logged: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const logger = createLogger({
      service: 'test',
      level: 'debug',
      destination: new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n').filter(Boolean)) logged.push(JSON.parse(line));
          done();
        },
      }),
    });
    const app = createServiceApp({
      logger,
      apiKey: 'sesame-0123',
      protectedPaths: ['/v1/*'],
      mapError: (error) =>
        error instanceof FakePackageError
          ? new ServiceError(error.code, error.code === 'bad_input' ? 400 : 502, error.message)
          : null,
    });
    app.get('/health', (context) => context.json({ status: 'ok' }));
    app.post('/v1/echo', limitBody(1024), async (context) => context.json(await context.req.json()));
    app.get('/v1/long', () => {
      throw new ServiceError('context_length_exceeded', 400, 'too long', { fields: { param: 'messages' } });
    });
    app.get('/v1/busy', () => {
      throw new ServiceError('queue_full', 429, 'too many waiting', { retryAfterSeconds: 7 });
    });
    app.get('/v1/package', (context) => {
      throw new FakePackageError(context.req.query('code') === 'bad' ? 'bad_input' : 'upstream_failed');
    });
    app.get('/v1/bug', () => {
      throw new TypeError('secret internals at /home/user/file.ts:12');
    });
    service = await serve({ fetch: app.fetch, service: 'test', port: 0 });
  });

  afterAll(() => service?.close());

  const key = { authorization: 'Bearer sesame-0123' };

  it('refuses foreign Host and Origin headers with 403 JSON naming the header', async () => {
    const host = await send(service.url, { path: '/health', headers: { host: 'evil.example' } });
    expect(host.status).toBe(403);
    expect(JSON.parse(host.body).error.code).toBe('forbidden_host');
    const origin = await send(service.url, { path: '/health', headers: { origin: 'https://evil.example' } });
    expect(origin.status).toBe(403);
    expect(JSON.parse(origin.body).error.code).toBe('forbidden_origin');
    const local = await send(service.url, {
      path: '/health',
      headers: { host: 'app.localhost:3000', origin: 'http://localhost:5173' },
    });
    expect(local.status).toBe(200);
  });

  it('answers a malformed Host with a JSON 400', async () => {
    const answer = await send(service.url, { path: '/health', headers: { host: 'localhost:80:evil' } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe('malformed_request');
  });

  it('asks the bearer key on the protected paths only', async () => {
    expect((await send(service.url, { path: '/health' })).status).toBe(200);
    const anonymous = await send(service.url, { path: '/v1/busy' });
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body).error.code).toBe('unauthorized');
    const wrong = await send(service.url, {
      path: '/v1/busy',
      headers: { authorization: 'Bearer sesame-0124' },
    });
    expect(wrong.status).toBe(401);
    const malformed = await send(service.url, { path: '/v1/busy', headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error.code).toBe('invalid_authorization');
    expect((await send(service.url, { path: '/v1/busy', headers: key })).status).toBe(429);
  });

  it('refuses a body over the limit, declared or streamed, with 413 body_too_large', async () => {
    const declared = await send(service.url, {
      method: 'POST',
      path: '/v1/echo',
      headers: { ...key, 'content-type': 'application/json', 'content-length': '5000' },
      body: '',
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error.code).toBe('body_too_large');
    let chunks = 0;
    const streamed = await send(service.url, {
      method: 'POST',
      path: '/v1/echo',
      headers: { ...key, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: new Readable({
        read() {
          chunks++;
          this.push(chunks > 4_096 ? null : Buffer.alloc(1024, 0x20));
        },
      }),
    });
    expect(streamed.status).toBe(413);
    expect(chunks).toBeLessThan(4_096);
    const fits = await send(service.url, {
      method: 'POST',
      path: '/v1/echo',
      headers: { ...key, 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(JSON.parse(fits.body)).toEqual({ a: 1 });
  });

  it('maps errors to their status and JSON, with Retry-After, and never leaks a stack', async () => {
    const busy = await send(service.url, { path: '/v1/busy', headers: key });
    expect(busy.headers['retry-after']).toBe('7');
    expect(JSON.parse(busy.body)).toEqual({ error: { code: 'queue_full', message: 'too many waiting' } });
    const long = await send(service.url, { path: '/v1/long', headers: key });
    expect(JSON.parse(long.body)).toEqual({
      error: { param: 'messages', code: 'context_length_exceeded', message: 'too long' },
    });
    const upstream = await send(service.url, { path: '/v1/package', headers: key });
    expect([upstream.status, JSON.parse(upstream.body).error.code]).toEqual([502, 'upstream_failed']);
    const bad = await send(service.url, { path: '/v1/package?code=bad', headers: key });
    expect([bad.status, JSON.parse(bad.body).error.code]).toEqual([400, 'bad_input']);
    const bug = await send(service.url, { path: '/v1/bug', headers: key });
    expect(bug.status).toBe(500);
    expect(JSON.parse(bug.body).error.code).toBe('internal_error');
    expect(bug.body).not.toContain('secret internals');
    expect(
      logged.some((line) => String((line.err as { message?: string })?.message).includes('secret internals')),
    ).toBe(true);
    const missing = await send(service.url, { path: '/nowhere' });
    expect([missing.status, JSON.parse(missing.body).error.code]).toEqual([404, 'not_found']);
  });

  it('gives every request an id, the caller’s when it sent a sane one, logged with the request', async () => {
    const given = await send(service.url, { path: '/health', headers: { 'x-request-id': 'trace-42' } });
    expect(given.headers['x-request-id']).toBe('trace-42');
    const made = await send(service.url, {
      path: '/health',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(logged.some((line) => line.requestId === 'trace-42' && line.status === 200)).toBe(true);
  });
});

describe('the bind rule', () => {
  it('refuses a non-loopback bind without the opt-in, and without a key', async () => {
    const fetch = () => new Response('x');
    await expect(serve({ fetch, service: 'test', hostname: '0.0.0.0', port: 0 })).rejects.toThrow(
      /not a loopback address.*opt-in/,
    );
    await expect(
      serve({ fetch, service: 'test', hostname: '0.0.0.0', port: 0, allowNonLoopback: true }),
    ).rejects.toThrow(/needs an API key/);
  });

  it('says which port it cannot listen on', async () => {
    const first = await serve({ fetch: () => new Response('x'), service: 'test', port: 0 });
    try {
      await expect(
        serve({ fetch: () => new Response('x'), service: 'second', port: first.port }),
      ).rejects.toThrow(new RegExp(`second: cannot listen on 127.0.0.1:${first.port}: EADDRINUSE`));
    } finally {
      await first.close();
    }
  });
});
