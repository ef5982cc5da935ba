// The manager's decisions with a fake process runtime (named as such): no process is started here.
// Real processes are exercised in apps/gateway/test/.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../registry/index.js';
import type { MemoryProbe } from '../system-memory/index.js';
import { LogFiles } from './log-files.js';
import { PidRecords } from './pid-records.js';
import type { ProcessRuntime } from './process-runtime.js';
import { WorkerManager } from './worker-manager.js';

/** A fake runtime: "processes" are numbers that become healthy after `healthyAfterMs`. */
class FakeRuntime implements ProcessRuntime {
  spawned: string[] = [];
  signals: Array<[number, string]> = [];
  private readonly alive = new Set<number>();
  private readonly healthyAt = new Map<number, number>();
  private nextPid = 1000;
  constructor(
    private readonly healthyAfterMs = 30,
    private readonly ignoreKill = false,
  ) {}
  spawn(specification: { name: string }) {
    const pid = this.nextPid++;
    this.spawned.push(specification.name);
    this.alive.add(pid);
    this.healthyAt.set(pid, Date.now() + this.healthyAfterMs);
    return { pid, exited: new Promise<{ code: number | null; signal: string | null }>(() => {}) };
  }
  isAlive(pid: number) {
    return this.alive.has(pid);
  }
  signal(pid: number, signal: 'SIGTERM' | 'SIGKILL') {
    this.signals.push([pid, signal]);
    if (!this.ignoreKill) setTimeout(() => this.alive.delete(pid), 10);
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
  async probeHealth(url: string) {
    const pid = [...this.healthyAt.entries()].find(
      ([candidate]) => this.alive.has(candidate) && url.length > 0,
    )?.[0];
    return pid !== undefined && Date.now() >= (this.healthyAt.get(pid) ?? Number.POSITIVE_INFINITY);
  }
}

const noMemory: MemoryProbe = { processTreeBytes: async () => null, availableBytes: async () => null };
const silent = { info() {}, warn() {}, error() {} };

function manager(
  runtime: FakeRuntime,
  budgetGb = 1,
  killWaitMs = 50,
  extra: Record<string, unknown> = {},
  memory: MemoryProbe = noMemory,
) {
  const home = mkdtempSync(join(tmpdir(), 'klody-manager-'));
  const { registry, directory } = parseRegistry(
    {
      budgetGb,
      workers: ['a', 'b', 'c'].map((name, index) => ({
        name,
        command: '/bin/fake-worker',
        port: 19_000 + index,
        estimatedGb: 0.6,
        stopTimeoutSeconds: 0.05,
        startTimeoutSeconds: 2,
        ...extra,
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
    memory,
    logger: silent,
    killWaitMs,
  });
}

describe('WorkerManager with a fake runtime', () => {
  it('starts a model once for concurrent ensure() calls', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime);
    const results = await Promise.all([workers.ensure('a'), workers.ensure('a'), workers.ensure('a')]);
    expect(runtime.spawned).toEqual(['a']);
    expect(results.filter((result) => result.started)).toHaveLength(1);
    expect(await workers.ensure('a')).toEqual({ started: false, evicted: [] });
  });

  it('marks a worker stopping synchronously, before the first await of its termination', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime);
    await workers.ensure('a');
    const termination = workers.terminate('a', 'test');
    // No await yet: ensure() must not find it ready.
    expect(workers.status().find((worker) => worker.name === 'a')?.state).toBe('stopping');
    await termination;
    expect(workers.status().find((worker) => worker.name === 'a')?.state).toBe('stopped');
  });

  it('evicts the least recently used worker and never the same one twice for overlapping loads', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, 1.3); // two of 0.6 fit, not three
    await workers.ensure('a');
    await workers.ensure('b');
    const [c, a] = await Promise.all([workers.ensure('c'), workers.ensure('a')]);
    expect(c.evicted).toEqual(['a']);
    expect(a.started).toBe(true);
    expect(a.evicted).toEqual(['b']);
  });

  it('a busy worker blocks eviction until released; a cancelled waiter gives up its place', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, 0.7); // one at a time
    const lease = await workers.acquire('a');
    const controller = new AbortController();
    const waiting = workers.ensure('b', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(waiting).rejects.toThrow(/cancelled/);
    const second = workers.ensure('b');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runtime.spawned).toEqual(['a']);
    lease.release();
    lease.release(); // idempotent
    expect((await second).evicted).toEqual(['a']);
    expect(workers.status().find((worker) => worker.name === 'a')).toMatchObject({
      state: 'stopped',
      inflight: 0,
    });
  });

  it('restores a survivor of SIGKILL and refuses to count its memory as freed', async () => {
    const runtime = new FakeRuntime(10, true);
    const workers = manager(runtime, 0.7);
    await workers.ensure('a');
    await expect(workers.unload('a')).rejects.toMatchObject({ code: 'worker_survived' });
    expect(runtime.signals.map(([, signal]) => signal)).toEqual(['SIGTERM', 'SIGKILL']);
    expect(workers.status().find((worker) => worker.name === 'a')?.state).toBe('survivor');
    expect(workers.summary().usedGb).toBeCloseTo(0.6);
    await expect(workers.ensure('b', { deadline: Date.now() + 100 })).rejects.toMatchObject({
      code: 'workers_busy',
    });
  });

  it('stops a worker idle past its TTL, not one in use', async () => {
    const runtime = new FakeRuntime();
    const workers = manager(runtime, 2, 50, { idleTtlSeconds: 0.1 });
    await workers.ensure('a');
    const lease = await workers.acquire('b');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await workers.tick();
    const states = Object.fromEntries(workers.status().map((worker) => [worker.name, worker.state]));
    expect(states).toMatchObject({ a: 'stopped', b: 'ready' });
    lease.release();
  });

  it('plans a reload with the footprint measured last time rather than the estimate', async () => {
    const runtime = new FakeRuntime();
    // Every worker measures 0.3 GiB, half its 0.6 GiB estimate (a fake probe: no /proc here).
    const measured: MemoryProbe = {
      processTreeBytes: async () => 0.3 * 1024 ** 3,
      availableBytes: async () => null,
    };
    const workers = manager(runtime, 0.8, 50, {}, measured);
    await workers.ensure('a');
    await workers.tick();
    // b is unknown: its estimate (0.6) plus a's measured 0.3 exceed 0.8, so a goes.
    expect((await workers.ensure('b')).evicted).toEqual(['a']);
    await workers.tick();
    // a comes back planned at its measured 0.3: with b's 0.3 it fits, nothing is evicted.
    expect(await workers.ensure('a')).toEqual({ started: true, evicted: [] });
  });

  it('plans the next load at the footprint measured at rest, not at a peak under load', async () => {
    const runtime = new FakeRuntime();
    // A fake probe: 0.3 GiB at rest, 2.4 GiB while a request is served (a 1.2 GB body once did that).
    let bytes = 0.3 * 1024 ** 3;
    const probe: MemoryProbe = { processTreeBytes: async () => bytes, availableBytes: async () => null };
    const workers = manager(runtime, 1, 50, {}, probe);
    await workers.ensure('a');
    await workers.tick();
    const lease = await workers.acquire('a');
    bytes = 2.4 * 1024 ** 3;
    await workers.tick();
    expect(workers.status().find((worker) => worker.name === 'a')).toMatchObject({
      measuredGb: 2.4,
      scheduledGb: 2.4,
    });
    lease.release();
    await workers.unload('a');
    bytes = 0.3 * 1024 ** 3;
    // Stopped: the status shows what its next load is planned at, and that load is not refused.
    expect(workers.status().find((worker) => worker.name === 'a')).toMatchObject({
      measuredGb: null,
      scheduledGb: 0.3,
    });
    expect(await workers.ensure('a')).toEqual({ started: true, evicted: [] });
  });

  it('tries a load whose resting footprint exceeded the whole budget when its estimate fits', async () => {
    const runtime = new FakeRuntime();
    // The report's toy worker: measured 0.162 GiB after a burst, over a 0.16 GiB budget.
    const probe: MemoryProbe = {
      processTreeBytes: async () => 0.162 * 1024 ** 3,
      availableBytes: async () => null,
    };
    const workers = manager(runtime, 0.16, 50, { estimatedGb: 0.1 }, probe);
    await workers.ensure('a');
    await workers.tick();
    await workers.unload('a');
    expect(workers.status().find((worker) => worker.name === 'a')?.scheduledGb).toBe(0.1);
    expect(await workers.ensure('a')).toEqual({ started: true, evicted: [] });
    expect(runtime.spawned).toEqual(['a', 'a']);
  });

  it('bounds the queue while the model loads too', async () => {
    const runtime = new FakeRuntime(200);
    const workers = manager(runtime, 1, 50, { slots: 2, queue: { max: 2, timeoutSeconds: 5 } });
    const first = workers.acquire('a');
    const second = workers.acquire('a');
    await expect(workers.acquire('a')).rejects.toMatchObject({ code: 'queue_full' });
    const leases = await Promise.all([first, second]);
    for (const lease of leases) lease.release();
    expect(runtime.spawned).toEqual(['a']);
  });
});
