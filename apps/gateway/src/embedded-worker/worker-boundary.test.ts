// The embedded worker's own port, attacked as a hostile page, a careless client and a burst would:
// it answers only the gateway that holds its key, refuses foreign Host/Origin headers, bounds bodies
// while they stream in, refuses prompts that do not fit its context, and never runs out of sequences.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { rawRequest } from '@klody/service/testing';
import { freePort, testDataPath, waitForHttp } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { beforeAll, expect, it } from 'vitest';
import { embeddedWorkerEntry } from '../workers/worker-command.js';

const reaper = useProcessReaper();
const workerKey = 'a-test-key-given-by-the-gateway-0123456789';

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

describeRequiring(
  { data: ['models/stories260K.gguf'] },
  'embedded worker boundary (stories260K, keyed)',
  () => {
    let url: string;
    let pid: number;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${workerKey}` };
    const post = (path: string, body: unknown, extra: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { ...headers, ...extra },
        body: JSON.stringify(body),
      });
    const story = [{ role: 'user', content: 'Once upon a time' }];

    beforeAll(async () => {
      const port = await freePort();
      const entry = embeddedWorkerEntry();
      const worker = reaper.spawn(
        entry.command,
        [
          ...entry.args,
          '--model',
          testDataPath('models', 'stories260K.gguf'),
          '--port',
          String(port),
          '--threads',
          '1',
          '--parallel',
          '2',
          '--context-size',
          '256',
          '--alias',
          'toy',
        ],
        { env: { ...process.env, KLODY_WORKER_KEY: workerKey } },
      );
      pid = worker.pid;
      url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/health`, { timeoutMs: 30_000 });
    });

    it('answers only the holder of its key on /v1, and leaves /health open to loopback probes', async () => {
      const body = JSON.stringify({ messages: story, max_tokens: 2 });
      const keyless = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(keyless.status).toBe(401);
      expect(await keyless.json()).toMatchObject({ error: { code: 'unauthorized' } });
      const wrong = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer guessed' },
        body,
      });
      expect(wrong.status).toBe(401);
      expect((await post('/v1/chat/completions', { messages: story, max_tokens: 2 })).status).toBe(200);
      expect((await fetch(`${url}/v1/models`)).status).toBe(401);
      expect((await fetch(`${url}/health`)).status).toBe(200);
    });

    it('refuses DNS rebinding and a cross-site text/plain POST even with the key', async () => {
      const rebinding = await rawRequest(url, {
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { ...headers, host: 'evil.example' },
        body: JSON.stringify({ messages: story, max_tokens: 2 }),
      });
      expect(rebinding.status).toBe(403);
      expect(JSON.parse(rebinding.body)).toMatchObject({ error: { code: 'forbidden_host' } });
      // The attack of the report: a page's form POST, which needs no CORS preflight.
      const crossSite = await rawRequest(url, {
        method: 'POST',
        path: '/v1/chat/completions',
        headers: {
          host: 'evil.example',
          origin: 'http://evil.example',
          'content-type': 'text/plain',
        },
        body: JSON.stringify({ max_tokens: 2, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(crossSite.status).toBe(403);
      const foreignOrigin = await post(
        '/v1/chat/completions',
        { messages: story, max_tokens: 2 },
        { origin: 'http://evil.example' },
      );
      expect(foreignOrigin.status).toBe(403);
      expect(await foreignOrigin.json()).toMatchObject({ error: { code: 'forbidden_origin' } });
    });

    it('answers a malformed Host with a JSON 400, not an empty body', async () => {
      const answer = await rawRequest(url, {
        method: 'GET',
        path: '/health',
        headers: { host: 'localhost:80:evil' },
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'malformed_request' } });
    });

    it('cuts a chunked body at the limit instead of buffering it whole', async () => {
      const before = residentBytes(pid);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const endless = new Readable({
        read() {
          // 512 MiB at most, far past the 8 MiB limit; the worker must answer long before.
          if (sent >= 512) this.push(null);
          else {
            sent++;
            this.push(chunk);
          }
        },
      });
      const answer = await rawRequest(url, {
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { ...headers, 'transfer-encoding': 'chunked' },
        body: endless,
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'body_too_large' } });
      endless.destroy();
      // The old worker grew by the whole body (2.3 GB for 1.2 GB sent); the limit is 8 MiB.
      expect(residentBytes(pid) - before).toBeLessThan(96 * 1024 * 1024);
      const declared = await rawRequest(url, {
        method: 'POST',
        path: '/v1/embeddings',
        headers: { ...headers, 'content-length': String(64 * 1024 * 1024) },
        body: '',
      });
      expect(declared.status).toBe(413);
    });

    it('refuses JSON nested thousands of levels deep with a 400', async () => {
      const deep = `{"messages":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
      const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: deep });
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBeTypeOf('string');
    });

    it('refuses a prompt longer than the context with 400 context_length_exceeded, streamed or not', async () => {
      const long = 'Once upon a time there was a little girl named Lily. '.repeat(60);
      for (const stream of [false, true]) {
        const chat = await post('/v1/chat/completions', {
          messages: [{ role: 'user', content: long }],
          max_tokens: 4,
          stream,
        });
        expect(chat.status).toBe(400);
        const error = (await chat.json()).error;
        expect(error).toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
        expect(error.message).toMatch(/maximum context length is 256 tokens/);
        const completion = await post('/v1/completions', { prompt: long, max_tokens: 4, stream });
        expect(completion.status).toBe(400);
        expect((await completion.json()).error).toMatchObject({ code: 'context_length_exceeded' });
      }
      const embedding = await post('/v1/embeddings', { input: ['short', long] });
      expect(embedding.status).toBe(400);
      expect((await embedding.json()).error).toMatchObject({
        code: 'context_length_exceeded',
        param: 'input',
      });
      // A prompt that fits still gets its answer, and max_tokens is bounded by the room left.
      const fits = await (
        await post('/v1/completions', { prompt: 'Once upon a time', max_tokens: 10_000, temperature: 0 })
      ).json();
      expect(fits.usage.prompt_tokens).toBeGreaterThan(0);
      expect(fits.usage.prompt_tokens + fits.usage.completion_tokens).toBeLessThanOrEqual(256);
    });

    it('serves a burst of concurrent requests on two sequences without one failure', async () => {
      const statuses: number[] = [];
      const errors: string[] = [];
      // Ten clients, twelve requests each, as the report's "concurrency 10" (1 in 40 failed before).
      await Promise.all(
        Array.from({ length: 10 }, async (_, client) => {
          for (let index = 0; index < 12; index++) {
            const response = await post('/v1/chat/completions', {
              messages: [{ role: 'user', content: `Client ${client} asks ${index}` }],
              // Short and long generations mixed: a sequence ends while the other one is decoding,
              // which is when its id came back late.
              max_tokens: 1 + ((client * 7 + index * 13) % 40),
              stream: index % 2 === 0,
            });
            statuses.push(response.status);
            const text = await response.text();
            if (response.status !== 200) errors.push(text);
          }
        }),
      );
      expect(errors).toEqual([]);
      expect(statuses).toHaveLength(120);
    }, 120_000);
  },
);
