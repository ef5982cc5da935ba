// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env.NAME}` is the registry syntax under test, not a template.
// Per-model request parameters with real processes: what a worker RECEIVED (the fixture worker echoes
// it) after the gateway's strip, defaults and set; two variants of one worker served by one process;
// Anthropic's /v1/messages and OpenAI's /v1/responses relayed whole and streamed; a remote server (an
// HTTP server of this test on loopback) getting the registry's upstream key from `${env.NAME}`, never
// the client's credentials; and an unset variable refusing the start with a clear error.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePorts } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../src/errors/index.js';
import type { RunningGateway } from '../src/server/index.js';
import type { Logger } from '../src/workers/index.js';
import {
  killRecordedWorkers,
  startQuietGateway,
  temporaryHome,
  testWorker,
  writeRegistry,
} from './helpers.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const home = temporaryHome();
const gatewayKey = 'gateway-key-of-the-client';
const environment: Record<string, string | undefined> = {
  KLODY_HOME: home,
  KLODY_LOG_LEVEL: 'silent',
  KLODY_GATEWAY_API_KEY: gatewayKey,
  REMOTE_KEY: 'sk-remote-first',
};
/** Every log line of the gateway, to check that no secret is ever logged. */
const logLines: string[] = [];
const recordingLogger: Logger = {
  info: (message, fields) => logLines.push(JSON.stringify({ message, fields })),
  warn: (message, fields) => logLines.push(JSON.stringify({ message, fields })),
  error: (message, fields) => logLines.push(JSON.stringify({ message, fields })),
};

/** The remote OpenAI-compatible server: records each request, answers JSON or a short SSE stream. */
const remoteRequests: Received[] = [];
let remote: Server;
let gateway: RunningGateway;
let configPath: string;

beforeAll(async () => {
  remote = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      remoteRequests.push({ path: request.url ?? '', headers: request.headers, body });
      if (body.stream) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end('data: {"remote":0}\n\ndata: [DONE]\n\n');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ remote: true, path: request.url }));
    });
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  const remotePort = (remote.address() as AddressInfo).port;
  const [workerPort] = await freePorts(1);
  configPath = writeRegistry(home, {
    budgetGb: 4,
    workers: [
      testWorker('qwen', workerPort as number, {
        extraArgs: ['--echo-received'],
        strip: ['logit_bias', 'seed'],
        defaults: { temperature: 0.6, min_p: 0.05, max_tokens: 256 },
        set: { top_k: 20, chat_template_kwargs: { enable_thinking: true } },
        variants: [
          {
            alias: 'qwen-instant',
            set: { chat_template_kwargs: { enable_thinking: false } },
            defaults: { temperature: 0.7 },
            priority: 1,
          },
          { alias: 'qwen-creative', set: { temperature: 1.2 }, strip: ['top_k'] },
        ],
      }),
      {
        name: 'remote',
        aliases: ['remote-alias'],
        url: `http://127.0.0.1:${remotePort}/v1`,
        upstreamApiKey: '${env.REMOTE_KEY}',
      },
    ],
  });
  gateway = await startQuietGateway(home, configPath, { environment, logger: recordingLogger });
});

afterAll(async () => {
  await gateway?.close({ workers: true });
  killRecordedWorkers(home);
  await new Promise((resolve) => remote?.close(resolve));
});

/** A POST as a client holding the gateway's key (and, with `headers`, any other credential). */
function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gatewayKey}`, ...headers },
    body: JSON.stringify(body),
  });
}

/** What the fixture worker received, from its `x-received` header. */
function received(response: Response): Received {
  const header = response.headers.get('x-received');
  if (header === null) throw new Error(`no x-received header (status ${response.status})`);
  return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Received;
}

const messages = [{ role: 'user', content: 'hello' }];

describe('strip, defaults and set reach the worker', () => {
  it('strips, fills unset fields, forces set ones, and keeps what the client set otherwise', async () => {
    const response = await post('/v1/chat/completions', {
      model: 'qwen',
      messages,
      seed: 42,
      logit_bias: { '1': 5 },
      top_k: 3,
      temperature: 0.1,
      chat_template_kwargs: { enable_thinking: false, custom: 'kept' },
    });
    expect(response.status).toBe(200);
    const worker = received(response);
    expect(worker.path).toBe('/v1/chat/completions');
    expect(worker.body).toEqual({
      model: 'qwen',
      messages,
      top_k: 20,
      temperature: 0.1,
      min_p: 0.05,
      max_tokens: 256,
      chat_template_kwargs: { enable_thinking: true, custom: 'kept' },
    });
    // The worker gets the gateway's key for it, never the client's.
    expect(worker.headers.authorization).toMatch(/^Bearer /);
    expect(worker.headers.authorization).not.toContain(gatewayKey);
  });

  it('applies set and strip to embeddings, but not the generation defaults', async () => {
    const response = await post('/v1/embeddings', { model: 'qwen-alias', input: 'x', seed: 1 });
    expect(response.status).toBe(200);
    expect(received(response).body).toEqual({
      model: 'qwen-alias',
      input: 'x',
      top_k: 20,
      chat_template_kwargs: { enable_thinking: true },
    });
  });
});

describe('variants: more aliases of one process', () => {
  it('each variant carries its own parameters on top of the worker’s', async () => {
    const instant = received(await post('/v1/chat/completions', { model: 'qwen-instant', messages }));
    expect(instant.body).toEqual({
      model: 'qwen-instant',
      messages,
      top_k: 20,
      temperature: 0.7,
      min_p: 0.05,
      max_tokens: 256,
      chat_template_kwargs: { enable_thinking: false },
    });
    const creative = received(
      await post('/v1/chat/completions', { model: 'qwen-creative', messages, top_k: 9, temperature: 0.2 }),
    );
    expect(creative.body).toEqual({
      model: 'qwen-creative',
      messages,
      temperature: 1.2,
      min_p: 0.05,
      max_tokens: 256,
      chat_template_kwargs: { enable_thinking: true },
    });
  });

  it('are listed by /v1/models as the same worker, which started once', async () => {
    const models = await (
      await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${gatewayKey}` } })
    ).json();
    const workerOf = Object.fromEntries(
      models.data.map((model: { id: string; worker: string }) => [model.id, model.worker]),
    );
    expect(workerOf).toMatchObject({ qwen: 'qwen', 'qwen-instant': 'qwen', 'qwen-creative': 'qwen' });
    const qwen = gateway.manager.status().find((worker) => worker.name === 'qwen');
    expect(qwen).toMatchObject({ state: 'ready', starts: 1 });
    expect(qwen?.requests).toBeGreaterThanOrEqual(4);
    expect(gateway.manager.resolveModel('qwen-instant')?.variant?.priority).toBe(1);
  });
});

describe('/v1/messages and /v1/responses are relayed as bytes', () => {
  it('a whole /v1/messages answer, with the client’s x-api-key dropped', async () => {
    const response = await post(
      '/v1/messages',
      { model: 'qwen-instant', max_tokens: 16, messages, seed: 1 },
      { 'x-api-key': 'client-anthropic-key', 'anthropic-version': '2023-06-01' },
    );
    expect(response.status).toBe(200);
    const worker = received(response);
    expect(worker.path).toBe('/v1/messages');
    expect(worker.headers['x-api-key']).toBeUndefined();
    expect(worker.headers['anthropic-version']).toBe('2023-06-01');
    // Only defaults named as in the Messages API apply there (temperature, not min_p); set and strip do.
    expect(worker.body).toEqual({
      model: 'qwen-instant',
      max_tokens: 16,
      messages,
      temperature: 0.7,
      top_k: 20,
      chat_template_kwargs: { enable_thinking: false },
    });
    const answer = await response.json();
    expect(answer).toMatchObject({ worker: 'qwen', model: 'qwen-instant' });
    expect(answer.choices[0].message.content).toBe('qwen heard: hello');
  });

  it('a streamed /v1/messages answer comes through chunk by chunk', async () => {
    const response = await post('/v1/messages', {
      model: 'qwen',
      max_tokens: 16,
      messages,
      stream: true,
      chunks: 3,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(received(response).path).toBe('/v1/messages');
    const text = await response.text();
    expect(text).toContain('qwen:0');
    expect(text).toContain('qwen:2');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('/v1/responses, whole and streamed', async () => {
    const whole = await post('/v1/responses', { model: 'qwen', input: 'hi', max_tokens: 5 });
    expect(whole.status).toBe(200);
    const worker = received(whole);
    expect(worker.path).toBe('/v1/responses');
    // max_tokens is no field of the Responses API: the client's stays, min_p is not added.
    expect(worker.body).toEqual({
      model: 'qwen',
      input: 'hi',
      max_tokens: 5,
      temperature: 0.6,
      top_k: 20,
      chat_template_kwargs: { enable_thinking: true },
    });
    expect((await whole.json()).choices[0].message.content).toBe('qwen heard: hi');
    const streamed = await post('/v1/responses', { model: 'qwen', input: 'hi', stream: true, chunks: 2 });
    expect(streamed.headers.get('content-type')).toBe('text/event-stream');
    const text = await streamed.text();
    expect(text).toContain('qwen:1');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('a remote worker gets the upstream key, never the client’s', () => {
  it('as a bearer on OpenAI routes, and as x-api-key too on /v1/messages', async () => {
    remoteRequests.length = 0;
    const chat = await post(
      '/v1/chat/completions',
      { model: 'remote-alias', messages },
      { 'x-api-key': 'client-secret' },
    );
    expect(chat.status).toBe(200);
    expect(await chat.json()).toEqual({ remote: true, path: '/v1/chat/completions' });
    const messagesAnswer = await post(
      '/v1/messages',
      { model: 'remote', max_tokens: 8, messages, stream: true },
      { 'x-api-key': 'client-secret' },
    );
    expect(await messagesAnswer.text()).toBe('data: {"remote":0}\n\ndata: [DONE]\n\n');
    const [first, second] = remoteRequests;
    expect(first?.headers.authorization).toBe('Bearer sk-remote-first');
    expect(first?.headers['x-api-key']).toBeUndefined();
    expect(second?.path).toBe('/v1/messages');
    expect(second?.headers.authorization).toBe('Bearer sk-remote-first');
    expect(second?.headers['x-api-key']).toBe('sk-remote-first');
    for (const request of remoteRequests) {
      expect(JSON.stringify(request.headers)).not.toContain(gatewayKey);
      expect(JSON.stringify(request.headers)).not.toContain('client-secret');
    }
  });

  it('never shows the key in /admin/status, /v1/models or the logs', async () => {
    const authorization = { authorization: `Bearer ${gatewayKey}` };
    const status = await (await fetch(`${gateway.url}/admin/status`, { headers: authorization })).text();
    const models = await (await fetch(`${gateway.url}/v1/models`, { headers: authorization })).text();
    expect(status).toContain('"remote"');
    expect(status).not.toContain('sk-remote');
    expect(models).not.toContain('sk-remote');
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain('sk-remote');
  });

  it('a reload expands the variables again; an unset one keeps the running registry', async () => {
    environment.REMOTE_KEY = 'sk-remote-second';
    expect(gateway.reload().ok).toBe(true);
    remoteRequests.length = 0;
    await (await post('/v1/completions', { model: 'remote', prompt: 'x' })).text();
    expect(remoteRequests[0]?.headers.authorization).toBe('Bearer sk-remote-second');

    delete environment.REMOTE_KEY;
    const failed = gateway.reload();
    expect(failed.ok).toBe(false);
    expect(failed.message).toContain(
      'workers[1].upstreamApiKey: the environment variable REMOTE_KEY is not set',
    );
    remoteRequests.length = 0;
    await (await post('/v1/completions', { model: 'remote', prompt: 'x' })).text();
    expect(remoteRequests[0]?.headers.authorization).toBe('Bearer sk-remote-second');
    expect(logLines.join('\n')).not.toContain('sk-remote');
  });
});

describe('an unset variable', () => {
  it('fails the start with an invalid_config error naming the variable and its place', async () => {
    const otherHome = temporaryHome();
    // Set in this process, but not in the environment given to the gateway: the gateway's wins.
    process.env.KLODY_TEST_ONLY_IN_PROCESS = 'from-process-env';
    try {
      const path = writeRegistry(otherHome, {
        budgetGb: 1,
        workers: [
          { name: 'far', url: 'http://127.0.0.1:9/v1', upstreamApiKey: '${env.KLODY_TEST_ONLY_IN_PROCESS}' },
        ],
      });
      let caught: unknown;
      await startQuietGateway(otherHome, path).then(
        (started) => started.close(),
        (error: unknown) => {
          caught = error;
        },
      );
      expect(GatewayError.isInstance(caught) && caught.code).toBe('invalid_config');
      expect((caught as Error).message).toBe(
        `${path}: workers[0].upstreamApiKey: the environment variable KLODY_TEST_ONLY_IN_PROCESS is not set (the registry asks for \${env.KLODY_TEST_ONLY_IN_PROCESS})`,
      );
    } finally {
      delete process.env.KLODY_TEST_ONLY_IN_PROCESS;
    }
  });
});
