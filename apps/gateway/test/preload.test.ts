// Preload and keep loaded with real worker processes: a `preload` worker is ready before any request,
// a failing preload leaves the gateway serving (the failure in the status), a `keepLoaded` worker comes
// back after an idle-TTL unload, and one evicted for another worker waits until it fits again rather
// than evicting it in turn.
import { freePorts, isProcessAlive } from '@klody/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
import { postJson, startTestGateway, testWorker, waitFor } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gatewayWith(
  workers: Array<Record<string, unknown>>,
  budgetGb: number,
  monitorIntervalMs = 200,
) {
  return startTestGateway(cleanups, { budgetGb, workers }, { monitorIntervalMs });
}

interface Row {
  name: string;
  state: string;
  pid: number | null;
  starts: number;
  requests: number;
  lastError: string | null;
}

async function worker(gateway: RunningGateway, name: string): Promise<Row> {
  const status = await (await fetch(`${gateway.url}/admin/status`)).json();
  return status.workers.find((row: Row) => row.name === name);
}

/** A test worker that really holds 200 MiB (≈0.24 GiB of PSS with its runtime), estimated at 0.25 GiB. */
const holding = (name: string, port: number, options: Record<string, unknown> = {}) =>
  testWorker(name, port, { extraArgs: ['--hold-mb', '200'], estimatedGb: 0.25, ...options });

const ask = (gateway: RunningGateway, model: string) =>
  postJson(`${gateway.url}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'hi' }] });

describe('preload', () => {
  it('loads a preload worker at start, before any request; the others stay stopped', async () => {
    const [a, b] = (await freePorts(2)) as [number, number];
    const gateway = await gatewayWith([testWorker('early', a, { preload: true }), testWorker('lazy', b)], 1);
    await waitFor(async () => (await worker(gateway, 'early')).state === 'ready', 30_000, 'the preload');
    expect(await worker(gateway, 'early')).toMatchObject({ starts: 1, requests: 0, lastError: null });
    expect(await worker(gateway, 'lazy')).toMatchObject({ state: 'stopped', starts: 0 });
    // The request finds it loaded: no second start.
    expect((await ask(gateway, 'early')).status).toBe(200);
    expect((await worker(gateway, 'early')).starts).toBe(1);
  }, 60_000);

  it('a preload that fails is logged and shown in the status; the gateway serves on', async () => {
    const [a, b] = (await freePorts(2)) as [number, number];
    const gateway = await gatewayWith(
      [testWorker('broken', a, { preload: true, args: ['-e', 'process.exit(3)'] }), testWorker('fine', b)],
      1,
    );
    await waitFor(
      async () => ((await worker(gateway, 'broken')).lastError ?? '').startsWith('preload failed'),
      30_000,
      'the failed preload in the status',
    );
    expect((await worker(gateway, 'broken')).state).toBe('failed');
    expect((await ask(gateway, 'fine')).status).toBe(200);
  }, 60_000);
});

describe('keepLoaded', () => {
  it('loads the worker again after an idle-TTL unload', async () => {
    const [a] = (await freePorts(1)) as [number];
    const gateway = await gatewayWith([testWorker('kept', a, { keepLoaded: true, idleTtlSeconds: 1 })], 1);
    await waitFor(async () => (await worker(gateway, 'kept')).state === 'ready', 30_000, 'the first load');
    const first = (await worker(gateway, 'kept')).pid as number;
    await waitFor(
      async () => {
        const row = await worker(gateway, 'kept');
        return row.state === 'ready' && row.pid !== null && row.pid !== first;
      },
      30_000,
      'the reload after the idle TTL',
    );
    expect(isProcessAlive(first)).toBe(false);
    expect((await worker(gateway, 'kept')).starts).toBeGreaterThanOrEqual(2);
    expect((await worker(gateway, 'kept')).requests).toBe(0);
  }, 60_000);

  it('loads the worker again after it crashed', async () => {
    const [a] = (await freePorts(1)) as [number];
    const gateway = await gatewayWith([testWorker('kept', a, { keepLoaded: true })], 1);
    await waitFor(async () => (await worker(gateway, 'kept')).state === 'ready', 30_000, 'the first load');
    const first = (await worker(gateway, 'kept')).pid as number;
    process.kill(first, 'SIGKILL');
    await waitFor(
      async () => {
        const row = await worker(gateway, 'kept');
        return row.state === 'ready' && row.pid !== null && row.pid !== first;
      },
      30_000,
      'the reload after the crash',
    );
    expect((await worker(gateway, 'kept')).starts).toBe(2);
  }, 60_000);

  it('is not reloaded while that would evict the worker that evicted it; it is once there is room', async () => {
    const [a, b] = (await freePorts(2)) as [number, number];
    // The budget holds one of the two (each measures ≈0.24 GiB).
    const gateway = await gatewayWith([holding('kept', a, { keepLoaded: true }), holding('other', b)], 0.4);
    await waitFor(async () => (await worker(gateway, 'kept')).state === 'ready', 30_000, 'the first load');
    // Wait for a measurement: the scheduler then counts the real footprint.
    await waitFor(
      async () => (await gateway.manager.status()).some((row) => row.measuredGb !== null),
      10_000,
    );
    expect((await ask(gateway, 'other')).status).toBe(200);
    expect((await worker(gateway, 'kept')).state).toBe('stopped');
    // Many monitor passes (every 200 ms): "kept" does not evict "other" to come back.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await worker(gateway, 'other')).toMatchObject({ state: 'ready', starts: 1 });
    expect((await worker(gateway, 'kept')).state).toBe('stopped');
    // Room again: the next pass brings it back.
    expect((await postJson(`${gateway.url}/admin/unload`, { model: 'other' })).status).toBe(200);
    await waitFor(async () => (await worker(gateway, 'kept')).state === 'ready', 30_000, 'the reload');
    expect((await worker(gateway, 'kept')).starts).toBe(2);
  }, 90_000);
});
