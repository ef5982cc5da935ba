// Swap-aware scheduling with three real worker processes under a budget that fits one at a time:
// a mixed stream A B A C B A … served by the `fifo` policy (strict arrival order: one swap per change
// of model) and by `batch` (the resident model's waiters together), in the same run. Batching needs
// fewer swaps, every request is answered, and nobody waits past the bound. Then a worker that is
// never idle (a constant stream to A) and a request for B: B is served within the bound.
import { freePorts } from '@klody/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
import { startTestGateway, testWorker } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Each answer streams 8 chunks 50 ms apart (≈0.4 s): long enough for requests to pile up. */
const answer = { chunks: 8, interval_ms: 50 };
const slots = 3;

async function gatewayWith(scheduler: Record<string, unknown>): Promise<RunningGateway> {
  const ports = await freePorts(3);
  // Each worker really holds 100 MiB (≈0.14 GiB measured with its runtime; estimated at 0.15) under
  // a 0.2 GiB budget: one fits, two do not.
  const workers = ['A', 'B', 'C'].map((name, index) =>
    testWorker(name, ports[index] as number, {
      extraArgs: ['--hold-mb', '100'],
      estimatedGb: 0.15,
      slots,
      startTimeoutSeconds: 120,
      queue: { max: 64, timeoutSeconds: 120 },
    }),
  );
  return startTestGateway(cleanups, { budgetGb: 0.2, scheduler, workers });
}

interface Outcome {
  model: string;
  status: number;
  /** Seconds from sending the request to the worker's first event (its turn, the load, a slot). */
  waitSeconds: number;
  text: string;
}

async function ask(gateway: RunningGateway, model: string): Promise<Outcome> {
  const sent = performance.now();
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, ...answer, messages: [{ role: 'user', content: model }] }),
  });
  // The wait ends with the worker's first event: a streamed request waiting for a load gets its
  // headers at once, with progress comments (load-progress.ts), so the headers say nothing of it.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let firstEventAt: number | null = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (firstEventAt === null && /^data:/m.test(text)) firstEventAt = performance.now();
  }
  const waitSeconds = ((firstEventAt ?? performance.now()) - sent) / 1000;
  return { model, status: response.status, waitSeconds, text };
}

async function starts(gateway: RunningGateway): Promise<Record<string, number>> {
  const status = (await (await fetch(`${gateway.url}/admin/status`)).json()) as {
    workers: Array<{ name: string; starts: number }>;
  };
  return Object.fromEntries(status.workers.map((worker) => [worker.name, worker.starts]));
}

const sum = (values: Record<string, number>) =>
  Object.values(values).reduce((total, value) => total + value, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
/** The slowest load the gateway timed (stop the evicted, spawn, healthy), in seconds. */
const slowestLoadSeconds = (gateway: RunningGateway) =>
  Math.max(0, ...gateway.manager.swaps.map((swap) => swap.stopMs + swap.spawnMs + swap.healthyMs)) / 1000;

const maxWaitSeconds = 8;
// A B A C B A, four times: 24 requests (A 12, B 8, C 4), sent 20 ms apart, all concurrent.
const sequence = Array.from({ length: 4 }, () => ['A', 'B', 'A', 'C', 'B', 'A']).flat();

async function mixedStream(policy: 'fifo' | 'batch') {
  const gateway = await gatewayWith({ policy, maxWaitSeconds, minResidencySeconds: 1 });
  const pending: Array<Promise<Outcome>> = [];
  for (const model of sequence) {
    pending.push(ask(gateway, model));
    await sleep(20);
  }
  const outcomes = await Promise.all(pending);
  const waits = outcomes.map((outcome) => outcome.waitSeconds);
  return {
    outcomes,
    swaps: sum(await starts(gateway)),
    maxWait: Math.max(...waits),
    medianWait: median(waits),
    slowestLoad: slowestLoadSeconds(gateway),
  };
}

describe('swap-aware scheduling, three real workers, a budget that fits one', () => {
  it('batching serves A B A C B A … with fewer swaps than fifo, and nobody starves', async () => {
    const fifo = await mixedStream('fifo');
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    const batch = await mixedStream('batch');
    const round = (value: number) => Math.round(value * 100) / 100;
    console.log(
      `swap scheduling, ${sequence.length} requests A B A C B A …, ${slots} slots, ${answer.chunks}×${answer.interval_ms} ms answers:\n` +
        `  fifo : ${fifo.swaps} swaps, wait max ${round(fifo.maxWait)} s, median ${round(fifo.medianWait)} s\n` +
        `  batch: ${batch.swaps} swaps, wait max ${round(batch.maxWait)} s, median ${round(batch.medianWait)} s`,
    );
    for (const run of [fifo, batch]) {
      for (const outcome of run.outcomes) {
        expect(outcome.status).toBe(200);
        // The right worker answered, to the end.
        expect(outcome.text).toContain(`${outcome.model}:${answer.chunks - 1}`);
      }
    }
    // fifo swaps at almost every change of model; batch loads each model about once.
    expect(batch.swaps).toBeLessThan(fifo.swaps);
    expect(batch.swaps).toBeLessThanOrEqual(6);
    // Nobody starved: no wait beyond the bound plus one batch's service (the largest model's
    // requests, `slots` at a time) plus the loads on the way (generous: the machine is shared).
    const batchServiceSeconds = (Math.ceil(12 / slots) * ((answer.chunks + 1) * answer.interval_ms)) / 1000;
    expect(batch.maxWait).toBeLessThan(maxWaitSeconds + batchServiceSeconds + 3 * batch.slowestLoad + 2);
  }, 240_000);

  it('a worker that is never idle does not starve another model: B is served within the bound', async () => {
    const bound = 3;
    const gateway = await gatewayWith({ policy: 'batch', maxWaitSeconds: bound, minResidencySeconds: 1 });
    expect((await ask(gateway, 'A')).status).toBe(200);
    // A constant stream to A: more clients than slots, each sending its next request as soon as one
    // ends, so that A always has requests in flight and waiting: it is never idle.
    let streaming = true;
    const aOutcomes: Array<Outcome & { sentAt: number }> = [];
    const clientCount = slots + 2;
    const clients = Array.from({ length: clientCount }, async () => {
      while (streaming) {
        const sentAt = performance.now();
        aOutcomes.push({ ...(await ask(gateway, 'A')), sentAt });
      }
    });
    await sleep(500);
    const bSentAt = performance.now();
    const b = await ask(gateway, 'B');
    const bServedAt = bSentAt + b.waitSeconds * 1000;
    // A is served again after B (its waiters are not starved either), then the stream stops.
    const deadline = performance.now() + 60_000;
    while (!aOutcomes.some((outcome) => outcome.sentAt > bServedAt) && performance.now() < deadline)
      await sleep(100);
    streaming = false;
    await Promise.all(clients);
    console.log(
      `never-idle A, maxWaitSeconds ${bound}: B waited ${Math.round(b.waitSeconds * 100) / 100} s; ` +
        `${aOutcomes.length} A requests, starts ${JSON.stringify(await starts(gateway))}`,
    );
    expect(b.status).toBe(200);
    expect(b.text).toContain(`B:${answer.chunks - 1}`);
    const requestSeconds = ((answer.chunks + 1) * answer.interval_ms) / 1000;
    expect(b.waitSeconds).toBeGreaterThanOrEqual(bound * 0.9);
    // The bound, then A's requests already let through drain, then B loads (generous: shared machine).
    const drainSeconds = Math.ceil(clientCount / slots) * requestSeconds;
    expect(b.waitSeconds).toBeLessThan(bound + drainSeconds + 2 * slowestLoadSeconds(gateway) + 2);
    // Until the bound, A kept taking newcomers (batching), and it came back after B.
    expect(
      aOutcomes.some((outcome) => outcome.sentAt > bSentAt + 500 && outcome.sentAt < bSentAt + bound * 900),
    ).toBe(true);
    expect(aOutcomes.some((outcome) => outcome.sentAt > bServedAt)).toBe(true);
    for (const outcome of aOutcomes) expect(outcome.status).toBe(200);
  }, 120_000);
});
