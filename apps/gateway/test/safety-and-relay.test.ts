// The HTTP boundary with real processes: bad input gets its documented error, safety rules hold, and
// a worker's own answers (even HTML errors) are relayed as they came.
import { request as httpRequest } from 'node:http';
import { freePorts } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../src/errors/index.js';
import { createJsonLogger, type RunningGateway, startGateway } from '../src/server/index.js';
import {
  killRecordedWorkers,
  postJson,
  startQuietGateway,
  temporaryHome,
  testWorker,
  waitFor,
  writeRegistry,
} from './helpers.js';

const home = temporaryHome();
const environment = { KLODY_HOME: home, KLODY_LOG_LEVEL: 'silent' };
let gateway: RunningGateway;
let configPath: string;

beforeAll(async () => {
  const [portA, portB] = await freePorts(2);
  configPath = writeRegistry(home, {
    budgetGb: 4,
    server: { bodyLimitMb: 1 },
    workers: [
      testWorker('alpha', portA as number, {
        defaults: { stop: ['<|eot_id|>'] },
        slots: 1,
        queue: { max: 1, timeoutSeconds: 5 },
      }),
      testWorker('beta', portB as number, { upstreamModel: 'beta-upstream-name' }),
    ],
  });
  gateway = await startGateway({
    config: configPath,
    port: 0,
    environment,
    logger: createJsonLogger('silent'),
  });
});

afterAll(async () => {
  await gateway?.close({ workers: true });
  killRecordedWorkers(home);
});

/** A raw request, so that Host and other headers fetch() controls can be set. */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const request = httpRequest(
        `${gateway.url}${path}`,
        { method: options.method ?? 'GET', headers: options.headers },
        (response) => {
          let body = '';
          response.on('data', (chunk) => {
            body += chunk;
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
          );
        },
      );
      request.on('error', reject);
      request.end(options.body);
    },
  );
}

describe('bad input gets its documented error', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body: '{"model": "alpha",',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_json');
  });

  it('an oversized body → 413, declared or streamed', async () => {
    const big = JSON.stringify({
      model: 'alpha',
      messages: [{ role: 'user', content: 'x'.repeat(1_200_000) }],
    });
    const declared = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: big });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.code).toBe('body_too_large');
    // Chunked: no Content-Length, the limit is enforced while reading.
    const chunked = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('an infinite temperature, an out-of-range one, a negative max_tokens → 400', async () => {
    const infinite = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body: '{"model":"alpha","temperature":1e999,"messages":[{"role":"user","content":"x"}]}',
    });
    expect(infinite.status).toBe(400);
    expect((await infinite.json()).error).toEqual({
      code: 'invalid_request',
      message: 'temperature must be a finite number',
    });
    const hot = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'alpha',
      temperature: 50,
      messages: [],
    });
    expect(hot.status).toBe(400);
    const negative = await postJson(`${gateway.url}/v1/completions`, {
      model: 'alpha',
      max_tokens: -1,
      prompt: 'x',
    });
    expect(negative.status).toBe(400);
  });

  it('an unknown model → 404 listing the aliases', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, { model: 'gpt-99', messages: [] });
    expect(response.status).toBe(404);
    const body = await response.json();
    expect(body.error.code).toBe('model_not_found');
    expect(body.error.message).toContain('alpha-alias');
    expect(body.error.message).toContain('beta');
  });

  it('a non-loopback bind without an API key is refused', async () => {
    await expect(
      startGateway({ config: configPath, host: '0.0.0.0', port: 0, allowNonLoopback: true, environment }),
    ).rejects.toSatisfy((error: unknown) => GatewayError.isInstance(error) && error.code === 'unsafe_bind');
    await expect(
      startGateway({
        config: configPath,
        host: '0.0.0.0',
        port: 0,
        environment: { ...environment, KLODY_GATEWAY_API_KEY: 'k' },
      }),
    ).rejects.toThrow(/allow-non-loopback/);
  });

  it('an unknown model with a 100 KB name → 404 that quotes only the start of it', async () => {
    const name = 'x'.repeat(100_000);
    const response = await postJson(`${gateway.url}/v1/chat/completions`, { model: name, messages: [] });
    expect(response.status).toBe(404);
    const message = (await response.json()).error.message as string;
    expect(message.length).toBeLessThan(1_000);
    expect(message).toContain('100000 characters');
  });

  it('JSON nested thousands of levels deep → 400, not a stack overflow', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"model":"alpha","messages":${'['.repeat(4_000)}${']'.repeat(4_000)}}`,
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'invalid_request' });
  });

  it('a malformed Host → 400 with a JSON body, not an empty one', async () => {
    const answer = await raw('/health', { headers: { host: 'localhost:80:evil' } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe('malformed_request');
  });

  it('unknown routes and admin bodies get JSON errors', async () => {
    const missing = await fetch(`${gateway.url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
    const reserve = await postJson(`${gateway.url}/admin/reserve`, { gb: 'lots' });
    expect(reserve.status).toBe(400);
    expect((await reserve.json()).error.message).toContain('gb');
  });
});

describe('safety', () => {
  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    const host = await raw('/health', { headers: { host: 'evil.example:80' } });
    expect(host.status).toBe(403);
    expect(JSON.parse(host.body).error.code).toBe('forbidden_host');
    const origin = await raw('/admin/status', { headers: { origin: 'https://evil.example' } });
    expect(origin.status).toBe(403);
    expect(JSON.parse(origin.body).error.code).toBe('forbidden_origin');
    const local = await raw('/health', { headers: { host: 'localhost', origin: 'http://localhost:5173' } });
    expect(local.status).toBe(200);
  });

  it('logs "gateway ready" with the number of workers, not of aliases', async () => {
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const record = (message: string, fields?: Record<string, unknown>) => lines.push([message, fields]);
    const second = await startGateway({
      config: configPath,
      port: 0,
      environment: { ...environment, KLODY_HOME: temporaryHome() },
      logger: { info: record, warn: record, error: record },
    });
    try {
      const ready = lines.find(([message]) => message === 'gateway ready')?.[1];
      expect(ready).toMatchObject({ workers: 2, aliases: 4 });
    } finally {
      await second.close();
    }
  });

  it('requires the bearer key on /v1 and /admin when one is set', async () => {
    const keyed = await startGateway({
      config: configPath,
      port: 0,
      environment: { ...environment, KLODY_GATEWAY_API_KEY: 'sesame' },
      logger: createJsonLogger('silent'),
    });
    try {
      expect((await fetch(`${keyed.url}/health`)).status).toBe(200);
      const anonymous = await fetch(`${keyed.url}/admin/status`);
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()).error.code).toBe('unauthorized');
      expect(
        (await fetch(`${keyed.url}/v1/models`, { headers: { authorization: 'Bearer wrong' } })).status,
      ).toBe(401);
      expect(
        (await fetch(`${keyed.url}/v1/models`, { headers: { authorization: 'Bearer sesame' } })).status,
      ).toBe(200);
    } finally {
      await keyed.close();
    }
  });
});

describe('relay', () => {
  it('relays a worker answer, injecting per-model defaults and the upstream model name', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'alpha-alias',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.choices[0].message.content).toBe('alpha heard: hello');
    expect(body.stop).toEqual(['<|eot_id|>']);
    const own = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'alpha',
      stop: ['END'],
      messages: [{ role: 'user', content: 'x' }],
    });
    expect((await own.json()).stop).toEqual(['END']);
    const renamed = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'beta',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect((await renamed.json()).model).toBe('beta-upstream-name');
  });

  it('routes every JSON route of the OpenAI API to the worker of the model', async () => {
    for (const route of ['completions', 'embeddings', 'rerank', 'audio/speech']) {
      const response = await postJson(`${gateway.url}/v1/${route}`, { model: 'beta', input: route });
      expect(response.status).toBe(200);
      expect((await response.json()).choices[0].message.content).toBe(`beta heard: ${route}`);
    }
  });

  it('routes a multipart upload by its form field and relays the bytes untouched', async () => {
    const form = new FormData();
    form.append('model', 'beta');
    form.append('file', new Blob([new Uint8Array([82, 73, 70, 70])]), 'clip.wav');
    const response = await fetch(`${gateway.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
    // The test worker only reads JSON: its own 400 comes back as it sent it, proving the upload reached it.
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'invalid_json', message: 'worker: bad JSON' } });
    const anonymous = new FormData();
    anonymous.append('file', new Blob(['x']), 'clip.wav');
    const refused = await fetch(`${gateway.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: anonymous,
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toContain('"model"');
  });

  it("relays a worker's HTML error raw: status, headers, bytes", async () => {
    const response = await postJson(`${gateway.url}/v1/completions`, {
      model: 'alpha',
      prompt: 'html-error',
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.headers.get('x-worker')).toBe('alpha');
    expect(await response.text()).toBe('<html><body>worker overloaded</body></html>');
  });

  it('streams chunk by chunk', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'beta',
      stream: true,
      chunks: 6,
      interval_ms: 250,
      messages: [{ role: 'user', content: 'x' }],
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const started = performance.now();
    const first = await reader.read();
    // The first chunk arrives long before the stream ends (6 × 250 ms): it was not buffered.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(new TextDecoder().decode(first.value)).toContain('beta:0');
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain('beta:5');
    expect(rest).toContain('[DONE]');
  });

  it('answers 429 with Retry-After when the queue is full', async () => {
    // alpha: 1 slot, queue of 1. One stream holds the slot, one waits, the third is refused.
    const slow = {
      model: 'alpha',
      stream: true,
      chunks: 10,
      interval_ms: 50,
      messages: [{ role: 'user', content: 'x' }],
    };
    const holding = await postJson(`${gateway.url}/v1/chat/completions`, slow);
    const waiting = postJson(`${gateway.url}/v1/chat/completions`, slow);
    await waitFor(
      async () =>
        (await (await fetch(`${gateway.url}/admin/status`)).json()).workers.find(
          (worker: { name: string }) => worker.name === 'alpha',
        ).queued === 1,
      10_000,
      'the second request to wait in the queue',
    );
    const refused = await postJson(`${gateway.url}/v1/chat/completions`, slow);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe('queue_full');
    await holding.text();
    expect(await (await waiting).text()).toContain('[DONE]');
    const status = await (await fetch(`${gateway.url}/admin/status`)).json();
    expect(status.workers.find((worker: { name: string }) => worker.name === 'alpha')).toMatchObject({
      inflight: 0,
      queued: 0,
    });
  });

  it('lists the aliases on /v1/models and serves Prometheus metrics', async () => {
    const models = await (await fetch(`${gateway.url}/v1/models`)).json();
    expect(models.data.map((model: { id: string }) => model.id)).toEqual([
      'alpha',
      'alpha-alias',
      'beta',
      'beta-alias',
    ]);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/klody_gateway_worker_state\{worker="alpha",state="ready"\} 1/);
    expect(metrics).toMatch(/klody_gateway_worker_memory_bytes\{worker="alpha",source="measured"\} \d+/);
    expect(metrics).toMatch(
      /klody_gateway_requests_total\{worker="alpha",status="200",outcome="completed"\} \d+/,
    );
    expect(metrics).toMatch(/klody_gateway_request_duration_seconds_bucket\{worker="alpha",le="\+Inf"\} \d+/);
  });

  it('counts a client that left before the worker answered as 499, never as status "0"', async () => {
    const betaStatus = async () =>
      (await (await fetch(`${gateway.url}/admin/status`)).json()).workers.find(
        (worker: { name: string }) => worker.name === 'beta',
      );
    const controller = new AbortController();
    const request = fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'beta', stream: true, headers_delay_ms: 2_000, messages: [] }),
      signal: controller.signal,
    });
    await waitFor(async () => (await betaStatus()).inflight === 1, 5_000, 'the request to reach the worker');
    controller.abort();
    await expect(request).rejects.toThrow();
    await waitFor(async () => (await betaStatus()).inflight === 0, 5_000, 'the lease to be released');
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(
      /klody_gateway_requests_total\{worker="beta",status="499",outcome="client_aborted"\} 1/,
    );
    expect(metrics).not.toMatch(/status="0"/);
  });

  it('reloads the registry (SIGHUP) without dropping a request in flight', async () => {
    const stream = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'beta',
      stream: true,
      chunks: 6,
      interval_ms: 50,
      messages: [{ role: 'user', content: 'x' }],
    });
    const [portA, portB] = [gateway.manager.workerConfigs()[0], gateway.manager.workerConfigs()[1]].map(
      (worker) => (worker && 'port' in worker ? worker.port : 0),
    );
    writeRegistry(
      home,
      {
        budgetGb: 4,
        server: { bodyLimitMb: 1 },
        workers: [
          testWorker('alpha', portA as number, { aliases: ['renamed-alpha'] }),
          testWorker('beta', portB as number, { upstreamModel: 'beta-upstream-name' }),
        ],
      },
      'registry.yaml',
    );
    expect(gateway.reload()).toMatchObject({ ok: true });
    expect(await stream.text()).toContain('beta:5');
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'renamed-alpha',
      messages: [{ role: 'user', content: 'y' }],
    });
    expect((await response.json()).choices[0].message.content).toBe('alpha heard: y');
    writeRegistry(home, { budgetGb: 'bad' } as never, 'registry.yaml');
    expect(gateway.reload()).toMatchObject({ ok: false });
    expect(
      (await postJson(`${gateway.url}/v1/chat/completions`, { model: 'renamed-alpha', messages: [] })).status,
    ).toBe(200);
  });
});

describe('remote entries', () => {
  it('routes to a remote server without managing it, and reports it unreachable in /health', async () => {
    const [remotePort, gone] = await freePorts(2);
    const remoteHome = temporaryHome();
    // The "remote" server is a test worker this test starts itself: the gateway must only route to it.
    const { spawnForTest } = await import('@klody/test-helpers/vitest');
    const { testWorkerScript } = await import('./helpers.js');
    const remote = spawnForTest(process.execPath, [
      testWorkerScript,
      '--port',
      String(remotePort),
      '--name',
      'far',
    ]);
    await remote.waitForOutput('listening');
    const config = writeRegistry(remoteHome, {
      budgetGb: 1,
      workers: [
        {
          name: 'far',
          url: `http://127.0.0.1:${remotePort}/v1`,
          healthPath: '/health',
          upstreamModel: 'far-model',
        },
        { name: 'lost', url: `http://127.0.0.1:${gone}/v1`, healthPath: '/health' },
      ],
    });
    const remoteGateway = await startQuietGateway(remoteHome, config);
    try {
      const answer = await postJson(`${remoteGateway.url}/v1/chat/completions`, {
        model: 'far',
        messages: [{ role: 'user', content: 'hey' }],
      });
      expect(await answer.json()).toMatchObject({
        model: 'far-model',
        choices: [{ message: { content: 'far heard: hey' } }],
      });
      const unreachable = await postJson(`${remoteGateway.url}/v1/chat/completions`, {
        model: 'lost',
        messages: [],
      });
      expect(unreachable.status).toBe(502);
      expect((await unreachable.json()).error.code).toBe('worker_unreachable');
      await remoteGateway.manager.tick();
      expect((await (await fetch(`${remoteGateway.url}/health`)).json()).status).toBe('degraded');
      const status = await (await fetch(`${remoteGateway.url}/admin/status`)).json();
      expect(
        status.workers.map((worker: { state: string; pid: null }) => [worker.state, worker.pid]),
      ).toEqual([
        ['remote', null],
        ['remote', null],
      ]);
      await remoteGateway.close({ workers: true });
      // Never managed: closing the gateway with its workers leaves the remote server running.
      expect((await fetch(`http://127.0.0.1:${remotePort}/health`)).status).toBe(200);
    } finally {
      await remoteGateway.close().catch(() => undefined);
    }
  });
});

describe('kept-alive connections', () => {
  it('resends once, on a fresh connection, when the worker closed the reused one', async () => {
    const { createServer } = await import('node:http');
    // A worker that drops every connection at its second request without answering: what a worker
    // closing idle keep-alive connections looks like from the gateway at the wrong moment.
    const served = new WeakMap<object, number>();
    let dropped = 0;
    const worker = createServer((request, response) => {
      const count = (served.get(request.socket) ?? 0) + 1;
      served.set(request.socket, count);
      request.resume();
      request.on('end', () => {
        if (count >= 2) {
          dropped++;
          request.socket.destroy();
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => worker.listen(0, '127.0.0.1', resolve));
    const port = (worker.address() as { port: number }).port;
    const flakyHome = temporaryHome();
    const config = writeRegistry(flakyHome, {
      budgetGb: 1,
      workers: [{ name: 'flaky', url: `http://127.0.0.1:${port}` }],
    });
    const flakyGateway = await startQuietGateway(flakyHome, config);
    try {
      for (let index = 0; index < 4; index++) {
        const response = await postJson(`${flakyGateway.url}/v1/embeddings`, { model: 'flaky', input: 'x' });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ ok: true });
      }
      expect(dropped).toBeGreaterThanOrEqual(3);
    } finally {
      await flakyGateway.close();
      worker.closeAllConnections();
      worker.close();
    }
  });
});
