// Live health with real worker processes: a worker that hangs while alive (its event loop blocked for
// good: the fixture's `hang_after_ms`) is found by its health probes, the request it holds fails at
// once with 504 worker_hung (long before the request timeout), or its stream ends early; its process
// is killed (it ignores SIGTERM while hung, so SIGKILL), it restarts on next use, and the hang is
// logged and counted.
import { freePorts, isProcessAlive } from '@klody/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
import { postJson, recordingLogger, startTestGateway, testWorker, waitFor } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A gateway on one fixture worker probed every 0.5 s, hung after 2 failed probes; its log lines kept. */
async function gatewayWithProbedWorker(options: Record<string, unknown> = {}) {
  const [port] = (await freePorts(1)) as [number];
  const { logger, lines } = recordingLogger();
  const gateway = await startTestGateway(
    cleanups,
    {
      budgetGb: 1,
      workers: [
        testWorker('sticky', port, {
          healthCheck: { intervalSeconds: 0.5, timeoutSeconds: 0.5, failures: 2 },
          requestTimeoutSeconds: 120,
          stopTimeoutSeconds: 1,
          ...options,
        }),
      ],
    },
    { logger },
  );
  return { gateway, lines };
}

async function stickyStatus(gateway: RunningGateway) {
  const status = await (await fetch(`${gateway.url}/admin/status`)).json();
  return status.workers.find((worker: { name: string }) => worker.name === 'sticky') as {
    state: string;
    pid: number | null;
    starts: number;
    hangs: number;
    lastError: string | null;
  };
}

const ask = (gateway: RunningGateway, extra: Record<string, unknown> = {}) =>
  postJson(`${gateway.url}/v1/chat/completions`, {
    model: 'sticky',
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });

describe('live health probes', () => {
  it('fails the request a hung worker holds with 504 worker_hung, kills the worker, restarts it on next use', async () => {
    const { gateway, lines } = await gatewayWithProbedWorker();
    expect((await ask(gateway)).status).toBe(200);
    const before = await stickyStatus(gateway);
    expect(before).toMatchObject({ state: 'ready', hangs: 0 });
    const hungPid = before.pid as number;

    const started = Date.now();
    const hung = await ask(gateway, { hang_after_ms: 0 });
    const seconds = (Date.now() - started) / 1000;
    expect(hung.status).toBe(504);
    expect(hung.headers.get('content-type')).toContain('application/json');
    const body = await hung.json();
    expect(body.error.code).toBe('worker_hung');
    expect(body.error.message).toContain('sticky');
    // The request timeout is 120 s: only the probes (2 × 0.5 s, plus the machine's slowness) answered it.
    expect(seconds).toBeLessThan(60);

    // Hung, its event loop blocked: SIGTERM does nothing, SIGKILL ends it.
    await waitFor(() => !isProcessAlive(hungPid), 30_000, 'the hung worker to be killed');
    await waitFor(async () => (await stickyStatus(gateway)).state === 'failed', 15_000, 'the failed state');
    const afterHang = await stickyStatus(gateway);
    expect(afterHang.hangs).toBe(1);
    expect(afterHang.lastError).toMatch(/hung since \d{4}-\d\d-\d\dT/);

    const again = await ask(gateway);
    expect(again.status).toBe(200);
    const restarted = await stickyStatus(gateway);
    expect(restarted.state).toBe('ready');
    expect(restarted.pid).not.toBe(hungPid);
    expect(restarted.starts).toBe(2);

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('klody_gateway_worker_hangs_total{worker="sticky"} 1');
    expect(metrics).toMatch(
      /klody_gateway_requests_total\{worker="sticky",status="504",outcome="upstream_error"\} 1/,
    );
    const logged = lines.find((line) => String(line.message).startsWith('worker hung'));
    expect(logged).toMatchObject({ worker: 'sticky', pid: hungPid, failures: 2 });
    expect(['warn', 'error']).toContain(logged?.level);
  }, 120_000);

  it('ends a stream under way when its worker hangs: the client sees the stream end early', async () => {
    const { gateway } = await gatewayWithProbedWorker();
    const response = await ask(gateway, {
      stream: true,
      chunks: 100_000,
      interval_ms: 20,
      hang_after_ms: 300,
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    let broken = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      broken = true;
    }
    expect(text).toContain('sticky:0');
    expect(text).not.toContain('[DONE]');
    expect(broken).toBe(true);
    await waitFor(async () => (await stickyStatus(gateway)).hangs === 1, 30_000, 'the hang to be counted');
  }, 120_000);

  it('never probes a worker whose healthCheck is null', async () => {
    const { gateway } = await gatewayWithProbedWorker({ healthCheck: null, requestTimeoutSeconds: 3 });
    expect((await ask(gateway)).status).toBe(200);
    const pid = (await stickyStatus(gateway)).pid as number;
    // Nothing watches it: the request waits for its own timeout, and the hung process is left alone.
    const hung = await ask(gateway, { hang_after_ms: 0 });
    expect(hung.status).toBe(504);
    expect((await hung.json()).error.code).toBe('upstream_timeout');
    const status = await stickyStatus(gateway);
    expect(status).toMatchObject({ hangs: 0, pid });
    expect(isProcessAlive(pid)).toBe(true);
  }, 60_000);
});
