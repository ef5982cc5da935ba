// Swap-aware scheduling through WorkerManager.acquire, with a fake process runtime (named as such, like
// worker-manager.test.ts's): no process is started here. Real processes: test/swap-scheduling.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../registry/index.js';
import { LogFiles } from './log-files.js';
import { PidRecords } from './pid-records.js';
import type { ProcessRuntime } from './process-runtime.js';
import { type Lease, WorkerManager } from './worker-manager.js';

/** A fake runtime: "processes" are numbers, healthy at once, gone 5 ms after a signal. */
class FakeRuntime implements ProcessRuntime {
  spawned: string[] = [];
  private readonly alive = new Set<number>();
  private nextPid = 5000;
  spawn(specification: { name: string }) {
    const pid = this.nextPid++;
    this.spawned.push(specification.name);
    this.alive.add(pid);
    return { pid, exited: new Promise<{ code: number | null; signal: string | null }>(() => {}) };
  }
  isAlive(pid: number) {
    return this.alive.has(pid);
  }
  signal(pid: number) {
    setTimeout(() => this.alive.delete(pid), 5);
  }
  isListening() {
    return null;
  }
  startTime() {
    return null;
  }
  async portInUse() {
    return false;
  }
  async probeHealth() {
    return true;
  }
}

const silent = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Workers a, b, c, d of 0.6 GiB under a 0.7 GiB budget: one at a time. `overrides` by worker name. */
function manager(
  runtime: FakeRuntime,
  scheduler: Record<string, unknown>,
  worker: Record<string, unknown> = {},
  overrides: Record<string, Record<string, unknown>> = {},
) {
  const home = mkdtempSync(join(tmpdir(), 'klody-request-scheduler-'));
  const { registry, directory } = parseRegistry(
    {
      budgetGb: 0.7,
      scheduler,
      workers: ['a', 'b', 'c', 'd'].map((name, index) => ({
        name,
        command: '/bin/fake-worker',
        port: 19_100 + index,
        estimatedGb: 0.6,
        stopTimeoutSeconds: 0.05,
        startTimeoutSeconds: 5,
        ...worker,
        ...overrides[name],
      })),
    },
    home,
  );
  return new WorkerManager({
    registry,
    configDirectory: directory,
    runtime,
    records: new PidRecords(join(home, 'run')),
    logs: new LogFiles({ directory: join(home, 'logs') }),
    memory: { processTreeBytes: async () => null, availableBytes: async () => null },
    logger: silent,
    killWaitMs: 50,
  });
}

/** Records the order in which acquisitions resolve (their worker's name). */
function track(order: string[], lease: Promise<Lease>): Promise<Lease> {
  return lease.then((value) => {
    order.push(value.worker);
    return value;
  });
}

describe('swap-aware scheduling in WorkerManager.acquire (fake runtime)', () => {
  it('batch: A B A with A busy serves the second A at once, then loads B once A drains', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, { policy: 'batch' }, { slots: 2 });
    const order: string[] = [];
    const first = await track(order, workers.acquire('a'));
    const b = track(order, workers.acquire('b'));
    const second = await track(order, workers.acquire('a'));
    expect(order).toEqual(['a', 'a']);
    first.release();
    await sleep(30);
    expect(order).toEqual(['a', 'a']); // A still serves the second request: no eviction
    second.release();
    (await b).release();
    expect(order).toEqual(['a', 'a', 'b']);
    expect(runtime.spawned).toEqual(['a', 'b']);
  });

  it('fifo: the second A waits behind B, which costs a swap back to A', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, { policy: 'fifo' }, { slots: 2 });
    const order: string[] = [];
    const first = await track(order, workers.acquire('a'));
    const b = track(order, workers.acquire('b'));
    await sleep(5);
    const second = track(order, workers.acquire('a'));
    await sleep(30);
    expect(order).toEqual(['a']);
    first.release();
    (await b).release();
    (await second).release();
    expect(order).toEqual(['a', 'b', 'a']);
    expect(runtime.spawned).toEqual(['a', 'b', 'a']);
  });

  it('batch: past maxWaitSeconds the busy model takes no newcomers; the starved one is served first', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(
      runtime,
      { policy: 'batch', maxWaitSeconds: 0.1, minResidencySeconds: 0 },
      { slots: 4 },
    );
    const order: string[] = [];
    const held = await track(order, workers.acquire('a'));
    const b = track(order, workers.acquire('b'));
    await sleep(150);
    const late = track(order, workers.acquire('a'));
    await sleep(30);
    expect(order).toEqual(['a']); // closed to newcomers, although a slot is free
    held.release();
    (await b).release();
    (await late).release();
    expect(order).toEqual(['a', 'b', 'a']);
  });

  it('batch: among models waiting within the bound, the higher priority is loaded first', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, { policy: 'batch', minResidencySeconds: 0 });
    const order: string[] = [];
    const held = await track(order, workers.acquire('a'));
    const b = track(order, workers.acquire('b')); // loaded next: it waits for A's memory
    await sleep(5);
    const c = track(order, workers.acquire('c'));
    await sleep(5);
    const d = track(order, workers.acquire('d', { priority: 5 }));
    held.release();
    (await b).release();
    (await d).release();
    (await c).release();
    expect(order).toEqual(['a', 'b', 'd', 'c']);
    expect(runtime.spawned).toEqual(['a', 'b', 'd', 'c']);
  });

  it('batch: a newcomer to the resident model waits when a waiting model outranks it', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, { policy: 'batch', minResidencySeconds: 0 }, { slots: 4 });
    const order: string[] = [];
    const held = await track(order, workers.acquire('a'));
    const b = track(order, workers.acquire('b', { priority: 5 }));
    await sleep(5);
    const plain = track(order, workers.acquire('a'));
    const urgent = await track(order, workers.acquire('a', { priority: 9 }));
    await sleep(30);
    expect(order).toEqual(['a', 'a']); // the urgent one at once; the plain one waits behind B
    held.release();
    urgent.release();
    (await b).release();
    (await plain).release();
    expect(order).toEqual(['a', 'a', 'b', 'a']);
  });

  it('the worker’s priority is the default of its requests', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, { policy: 'batch', minResidencySeconds: 0 }, {}, { d: { priority: 3 } });
    const order: string[] = [];
    const held = await track(order, workers.acquire('a'));
    const b = track(order, workers.acquire('b'));
    await sleep(5);
    const c = track(order, workers.acquire('c'));
    await sleep(5);
    const d = track(order, workers.acquire('d'));
    held.release();
    (await b).release();
    (await d).release();
    (await c).release();
    expect(order).toEqual(['a', 'b', 'd', 'c']);
  });

  it('a request whose turn does not come within the start timeout gets workers_busy', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, { policy: 'batch' }, {}, { c: { startTimeoutSeconds: 0.2 } });
    const held = await workers.acquire('a');
    const b = workers.acquire('b');
    await sleep(5);
    const c = workers.acquire('c');
    // c waits behind b (loaded next, itself waiting for A's memory): its turn does not come in time.
    await expect(c).rejects.toMatchObject({
      code: 'workers_busy',
      message: expect.stringMatching(/its turn/),
    });
    held.release();
    (await b).release();
    // Nothing is left waiting: a new request for c loads it at once.
    (await workers.acquire('c')).release();
    expect(runtime.spawned).toEqual(['a', 'b', 'c']);
  });

  it('a load that cannot get memory within the start timeout still ends with the clear 503', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, { policy: 'batch' }, {}, { b: { startTimeoutSeconds: 0.2 } });
    const held = await workers.acquire('a');
    await expect(workers.acquire('b')).rejects.toMatchObject({
      code: 'workers_busy',
      message: expect.stringMatching(/cannot load "b" within 0.2 s: .*waiting on a/),
    });
    held.release();
  });

  it('requests waiting for their turn count toward the queue limit, and a cancelled one leaves', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, { policy: 'batch' }, { queue: { max: 1, timeoutSeconds: 5 } });
    const held = await workers.acquire('a');
    const b = workers.acquire('b');
    await sleep(5);
    const controller = new AbortController();
    const c = workers.acquire('c', { signal: controller.signal });
    await sleep(5);
    await expect(workers.acquire('c')).rejects.toMatchObject({ code: 'queue_full' });
    controller.abort();
    await expect(c).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/cancelled/),
    });
    held.release();
    (await b).release();
    (await workers.acquire('c')).release();
    expect(runtime.spawned).toEqual(['a', 'b', 'c']);
  });
});
