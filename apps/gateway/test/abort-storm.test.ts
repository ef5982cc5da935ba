// In-flight accounting under load: 1,000 streamed requests through the gateway, a third of the
// clients leaving mid-stream (and some before the answer even starts). Afterwards nothing is left
// in flight, and the worker itself saw the aborts (the gateway cancelled the upstream requests).
import { freePort } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
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
let gateway: RunningGateway;
let workerUrl: string;

beforeAll(async () => {
  const port = await freePort();
  workerUrl = `http://127.0.0.1:${port}`;
  const config = writeRegistry(home, {
    budgetGb: 4,
    workers: [testWorker('streamer', port, { slots: 32, queue: { max: 1000, timeoutSeconds: 60 } })],
  });
  gateway = await startQuietGateway(home, config);
});

afterAll(async () => {
  await gateway?.close({ workers: true });
  killRecordedWorkers(home);
});

type Outcome = 'completed' | 'aborted-mid-stream' | 'aborted-early';

async function streamOnce(index: number): Promise<Outcome> {
  // Deterministic mix: 25 % leave after the first chunk, 10 % leave before the answer starts.
  const plan: Outcome =
    index % 20 < 5 ? 'aborted-mid-stream' : index % 20 < 7 ? 'aborted-early' : 'completed';
  const controller = new AbortController();
  const body = {
    model: 'streamer',
    stream: true,
    // A stream its client abandons is long (1.2 s), so the worker cannot finish it before the abort
    // arrives, however loaded the machine: "the worker saw the abort" is then a fact, not a race.
    chunks: plan === 'completed' ? 30 : 300,
    interval_ms: 4,
    messages: [{ role: 'user', content: String(index) }],
  };
  if (plan === 'aborted-early') setTimeout(() => controller.abort(), 1);
  try {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      if (plan === 'aborted-mid-stream' && text.includes('streamer:0')) {
        controller.abort();
        await reader.cancel().catch(() => undefined);
        return plan;
      }
    }
    if (plan === 'completed') {
      // Every chunk went through, in order.
      const numbers = [...text.matchAll(/streamer:(\d+)/g)].map((match) => Number(match[1]));
      expect(numbers).toEqual(Array.from({ length: 30 }, (_, chunk) => chunk));
      expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    }
    return plan === 'aborted-early' ? 'completed' : plan; // an early abort that came too late completed
  } catch (error) {
    if (controller.signal.aborted) return plan;
    throw error;
  }
}

describe('1,000 streamed requests with a third of the clients aborting', () => {
  it('leaves 0 in flight and the worker saw every mid-stream abort', async () => {
    const total = 1000;
    const concurrency = 48;
    const outcomes: Outcome[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const index = next++;
          outcomes.push(await streamOnce(index));
        }
      }),
    );
    const midStream = outcomes.filter((outcome) => outcome === 'aborted-mid-stream').length;
    const early = outcomes.filter((outcome) => outcome === 'aborted-early').length;
    expect(outcomes.length).toBe(total);
    expect(midStream + early).toBeGreaterThanOrEqual(300);

    // The gateway released every slot, on every path.
    await waitFor(
      async () => {
        const status = await (await fetch(`${gateway.url}/admin/status`)).json();
        const worker = status.workers[0];
        return worker.inflight === 0 && worker.queued === 0;
      },
      5_000,
      'in-flight 0',
    );
    const status = await (await fetch(`${gateway.url}/admin/status`)).json();
    expect(status.workers[0]).toMatchObject({
      name: 'streamer',
      inflight: 0,
      queued: 0,
      state: 'ready',
      starts: 1,
    });

    // The worker saw the aborts: each mid-stream abort closed its upstream request before the end.
    await waitFor(
      async () => (await (await fetch(`${workerUrl}/health`)).json()).active === 0,
      5_000,
      'worker idle',
    );
    const health = await (await fetch(`${workerUrl}/health`)).json();
    expect(health.aborted).toBeGreaterThanOrEqual(midStream);
    expect(health.aborted).toBeLessThanOrEqual(midStream + early);
    expect(health.completed + health.aborted).toBe(health.requests);
  }, 120_000);

  it('releases in-flight when the worker dies mid-stream, and restarts it on next use', async () => {
    const ensured = await (await postJson(`${gateway.url}/admin/ensure`, { model: 'streamer' })).json();
    const pid = ensured.pid as number;
    const startsBefore = (await (await fetch(`${gateway.url}/admin/status`)).json()).workers[0]
      .starts as number;
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'streamer',
      stream: true,
      chunks: 200,
      interval_ms: 10,
      messages: [{ role: 'user', content: 'x' }],
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    process.kill(pid, 'SIGKILL');
    // The client sees the stream end early (an error or a short end), never a hang.
    await (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return;
      }
    })().catch(() => undefined);
    await waitFor(
      async () => {
        const status = await (await fetch(`${gateway.url}/admin/status`)).json();
        return status.workers[0].inflight === 0 && status.workers[0].state === 'failed';
      },
      10_000,
      'in-flight released and the crash noticed',
    );
    const again = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'streamer',
      messages: [{ role: 'user', content: 'back?' }],
    });
    expect((await again.json()).choices[0].message.content).toBe('streamer heard: back?');
    const after = await (await fetch(`${gateway.url}/admin/status`)).json();
    expect(after.workers[0]).toMatchObject({ state: 'ready', starts: startsBefore + 1, inflight: 0 });
    expect(after.workers[0].pid).not.toBe(pid);
  });
});
