// The activity view with real worker processes: one "relayed request" log line per request (its
// timings and the tokens the worker reported, nothing of the prompt or answer), the token counters in
// /metrics, and the last requests at /admin/activity.
import { request as httpRequest } from 'node:http';
import { activityResponseSchema } from '@klody/gateway-client/schemas';
import { freePorts } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
import {
  killRecordedWorkers,
  postJson,
  recordingLogger,
  startQuietGateway,
  temporaryHome,
  testWorker,
  waitFor,
  writeRegistry,
} from './helpers.js';

const home = temporaryHome();
// The gateway's own log lines, kept in memory.
const { logger, lines: logged } = recordingLogger();
let gateway: RunningGateway;
/** How long the slow worker waits before it listens: its first request waits at least that long. */
const startDelayMs = 400;

beforeAll(async () => {
  const [alphaPort, slowPort] = await freePorts(2);
  const config = writeRegistry(home, {
    budgetGb: 4,
    workers: [
      testWorker('alpha', alphaPort as number),
      testWorker('slow', slowPort as number, { extraArgs: ['--start-delay-ms', String(startDelayMs)] }),
    ],
  });
  gateway = await startQuietGateway(home, config, { logger });
});

afterAll(async () => {
  await gateway?.close({ workers: true });
  killRecordedWorkers(home);
});

const relayedLines = () => logged.filter((line) => line.message === 'relayed request');
const lineFor = async (requestId: string) => {
  await waitFor(
    () => relayedLines().some((line) => line.requestId === requestId),
    10_000,
    `the log line of ${requestId}`,
  );
  return relayedLines().find((line) => line.requestId === requestId) as Record<string, unknown>;
};

async function metricValue(pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const match = text.match(pattern);
  return match ? Number(match[1]) : Number.NaN;
}

describe('one log line per relayed request', () => {
  it('logs a JSON answer’s ids, timings and usage at info, and nothing of the prompt or the answer', async () => {
    const response = await postJson(
      `${gateway.url}/v1/chat/completions`,
      { model: 'slow-alias', messages: [{ role: 'user', content: 'secret zanzibar words' }] },
      { 'x-request-id': 'activity-json-1' },
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.usage).toEqual({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });

    const line = await lineFor('activity-json-1');
    expect(line).toMatchObject({
      level: 'info',
      service: 'gateway',
      requestId: 'activity-json-1',
      model: 'slow-alias',
      worker: 'slow',
      route: 'chat/completions',
      status: 200,
      outcome: 'completed',
      tokensIn: 3,
      tokensOut: 5,
    });
    // The first request loaded the worker: its wait for a slot holds the worker's start.
    expect(line.queueWaitMs).toBeGreaterThanOrEqual(startDelayMs);
    expect(line.firstByteMs).toBeGreaterThanOrEqual(line.queueWaitMs as number);
    expect(line.durationMs).toBeGreaterThanOrEqual(line.firstByteMs as number);
    expect(line.tokensPerSecond).toBeGreaterThan(0);
    const text = JSON.stringify(line);
    expect(text).not.toContain('zanzibar');
    expect(text).not.toContain('heard');
  });

  it('logs a stream’s tokens from its final usage chunk, and none when the stream reports no usage', async () => {
    const withUsage = await postJson(
      `${gateway.url}/v1/chat/completions`,
      {
        model: 'alpha',
        stream: true,
        stream_options: { include_usage: true },
        chunks: 7,
        interval_ms: 10,
        messages: [{ role: 'user', content: 'count to seven' }],
      },
      { 'x-request-id': 'activity-stream-1' },
    );
    expect(await withUsage.text()).toContain('"usage":{"prompt_tokens":3,"completion_tokens":7');
    const line = await lineFor('activity-stream-1');
    expect(line).toMatchObject({ worker: 'alpha', model: 'alpha', tokensIn: 3, tokensOut: 7 });
    // Seven tokens over the stream's time from its first byte to its end (duration − first byte; both
    // are rounded to 0.1 ms, hence the bounds).
    const streamMs = (line.durationMs as number) - (line.firstByteMs as number);
    expect(line.tokensPerSecond).toBeGreaterThanOrEqual(7 / ((streamMs + 0.15) / 1000) - 0.1);
    if (streamMs > 0.15)
      expect(line.tokensPerSecond).toBeLessThanOrEqual(7 / ((streamMs - 0.15) / 1000) + 0.1);

    const without = await postJson(
      `${gateway.url}/v1/chat/completions`,
      { model: 'alpha', stream: true, chunks: 3, messages: [{ role: 'user', content: 'x' }] },
      { 'x-request-id': 'activity-stream-2' },
    );
    await without.text();
    expect(await lineFor('activity-stream-2')).toMatchObject({
      outcome: 'completed',
      tokensIn: null,
      tokensOut: null,
      tokensPerSecond: null,
    });
  });

  it('logs a request refused before any worker answered, with its status and no first byte', async () => {
    const response = await postJson(
      `${gateway.url}/v1/chat/completions`,
      { model: 'alpha', messages: [{ role: 'user', content: 'html-error' }] },
      { 'x-request-id': 'activity-html' },
    );
    expect(response.status).toBe(503);
    expect(await lineFor('activity-html')).toMatchObject({
      status: 503,
      outcome: 'completed',
      tokensIn: null,
      tokensOut: null,
    });
  });
});

describe('token metrics', () => {
  it('counts the reported tokens per worker and direction, and the generation speed', async () => {
    const before = {
      in: await metricValue(/klody_gateway_tokens_total\{worker="alpha",direction="in"\} (\d+)/),
      out: await metricValue(/klody_gateway_tokens_total\{worker="alpha",direction="out"\} (\d+)/),
      speeds: await metricValue(/klody_gateway_generation_tokens_per_second_count\{worker="alpha"\} (\d+)/),
    };
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'alpha-alias',
      messages: [{ role: 'user', content: 'five little words right here' }],
    });
    expect((await response.json()).usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 7 });
    await waitFor(
      async () =>
        (await metricValue(/klody_gateway_tokens_total\{worker="alpha",direction="in"\} (\d+)/)) ===
        before.in + 5,
      10_000,
      'the tokens counted',
    );
    expect(await metricValue(/klody_gateway_tokens_total\{worker="alpha",direction="out"\} (\d+)/)).toBe(
      before.out + 7,
    );
    expect(
      await metricValue(/klody_gateway_generation_tokens_per_second_count\{worker="alpha"\} (\d+)/),
    ).toBe(before.speeds + 1);
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toContain('# TYPE klody_gateway_tokens_total counter');
    expect(text).toContain('# TYPE klody_gateway_generation_tokens_per_second histogram');
  });
});

describe('GET /admin/activity', () => {
  it('lists the last requests newest first, in the shared schema, the same rows as the log', async () => {
    for (const index of [1, 2, 3]) {
      const response = await postJson(
        `${gateway.url}/v1/chat/completions`,
        { model: 'alpha', messages: [{ role: 'user', content: `row ${index}` }] },
        { 'x-request-id': `activity-row-${index}` },
      );
      await response.json();
    }
    await lineFor('activity-row-3');
    const response = await fetch(`${gateway.url}/admin/activity`);
    expect(response.status).toBe(200);
    const activity = activityResponseSchema.parse(await response.json());
    const ids = activity.requests.map((row) => row.requestId);
    expect(ids.slice(0, 3)).toEqual(['activity-row-3', 'activity-row-2', 'activity-row-1']);
    expect(ids).toContain('activity-json-1');
    const row = activity.requests[0];
    const {
      message: _message,
      level: _level,
      time: _time,
      service: _service,
      ...line
    } = await lineFor('activity-row-3');
    const { at, ...rest } = row as NonNullable<typeof row>;
    expect(rest).toEqual(line);
    expect(Math.abs(at - Date.now())).toBeLessThan(60_000);
  });
});

describe('the status page', () => {
  it('is served at / to loopback with a strict Content Security Policy, its module and style too', async () => {
    const page = await fetch(`${gateway.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/status-page.js">');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await fetch(`${gateway.url}/status-page.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain("getJson('/admin/activity')");
    expect((await fetch(`${gateway.url}/status-page.css`)).headers.get('content-type')).toContain('text/css');
  });

  it('refuses a foreign Host or Origin on / with 403, like every route', async () => {
    const host = await rawGet('/', { host: 'evil.example' });
    expect([host.status, JSON.parse(host.body).error.code]).toEqual([403, 'forbidden_host']);
    const origin = await rawGet('/', { origin: 'https://evil.example' });
    expect([origin.status, JSON.parse(origin.body).error.code]).toEqual([403, 'forbidden_origin']);
  });
});

/** A GET whose Host header fetch() would not let us set. */
function rawGet(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(`${gateway.url}${path}`, { headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
