// The health probes' decisions with fakes (named as such): a fake runtime whose probe answers are
// scripted, a fake lifecycle that records terminations, and a clock the test moves. Real hung
// processes are exercised in apps/gateway/test/health-probes.test.ts.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/index.js';
import { parseRegistry } from '../registry/index.js';
import { HealthProbes } from './health-probes.js';
import type { ProcessRuntime } from './process-runtime.js';
import type { WorkerLifecycle } from './worker-lifecycle.js';
import { type WorkerEntry, WorkerTable } from './worker-table.js';

const silent = { info() {}, warn() {}, error() {} };

/** A ready worker "w" (pid 42) probed every second, hung after `failures` failed probes. */
function setUp(failures = 2) {
  const { registry, directory } = parseRegistry(
    {
      budgetGb: 1,
      workers: [
        {
          name: 'w',
          command: '/bin/fake-worker',
          port: 19_100,
          estimatedGb: 0.1,
          healthCheck: { intervalSeconds: 1, timeoutSeconds: 0.5, failures },
        },
      ],
    },
    '/tmp',
  );
  const table = new WorkerTable(registry, directory);
  const entry = table.entry('w');
  entry.state = 'ready';
  entry.pid = 42;
  let clock = 0;
  // The fake runtime: each probe takes the next scripted answer; `pending` ones wait to be resolved.
  const answers: Array<boolean | 'pending'> = [];
  const pending: Array<(healthy: boolean) => void> = [];
  let probes = 0;
  let alive = true;
  const runtime = {
    isAlive: () => alive,
    probeHealth: () => {
      probes++;
      const answer = answers.shift() ?? true;
      if (answer === 'pending') return new Promise<boolean>((resolve) => pending.push(resolve));
      return Promise.resolve(answer);
    },
  } as unknown as ProcessRuntime;
  // The fake lifecycle: terminate marks the worker stopping at once, as the real one does.
  const terminations: Array<{ reason: string; force: boolean }> = [];
  const lifecycle = {
    terminate: (target: WorkerEntry, reason: string, force = false) => {
      terminations.push({ reason, force });
      target.state = 'stopping';
      return Promise.resolve().then(() => {
        target.state = 'stopped';
        target.pid = null;
      });
    },
  } as unknown as WorkerLifecycle;
  const restarted: string[] = [];
  const probesUnderTest = new HealthProbes({
    table,
    lifecycle,
    runtime,
    logger: silent,
    now: () => clock,
    afterHang: (hung) => restarted.push(hung.key),
  });
  /** Moves the clock by `ms`, starts what is due, and waits for the probes that can finish. */
  const advance = async (ms: number) => {
    clock += ms;
    probesUnderTest.schedule();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    entry,
    answers,
    pending,
    terminations,
    restarted,
    advance,
    settled: () => probesUnderTest.settled(),
    probeCount: () => probes,
    setAlive: (value: boolean) => {
      alive = value;
    },
  };
}

describe('HealthProbes (fakes)', () => {
  it('does not call a worker hung for one failed probe; the count starts over at a healthy one', async () => {
    const test = setUp(2);
    await test.advance(0); // first sight of the process: its first probe is one interval away
    test.answers.push(false, true, false, true);
    for (let index = 0; index < 4; index++) await test.advance(1_000);
    await test.settled();
    expect(test.probeCount()).toBe(4);
    expect(test.terminations).toEqual([]);
    expect(test.entry.state).toBe('ready');
    expect(test.entry.hangs).toBe(0);
  });

  it('declares it hung after `failures` failed probes in a row: aborts its requests, kills it with force', async () => {
    const test = setUp(2);
    const signal = test.entry.inflightAbort.signal;
    await test.advance(0);
    test.answers.push(false, false);
    await test.advance(1_000);
    await test.advance(1_000);
    await test.settled();
    expect(test.terminations).toEqual([{ reason: 'hung', force: true }]);
    expect(signal.aborted).toBe(true);
    expect(GatewayError.isInstance(signal.reason) && signal.reason.code).toBe('worker_hung');
    expect(GatewayError.isInstance(signal.reason) && signal.reason.status).toBe(504);
    // The next requests get a fresh signal.
    expect(test.entry.inflightAbort.signal.aborted).toBe(false);
    expect(test.entry.state).toBe('failed');
    expect(test.entry.hangs).toBe(1);
    expect(test.entry.lastError).toMatch(/^worker hung since 1970-01-01T00:00:01\.000Z/);
    expect(test.restarted).toEqual(['w']);
  });

  it('never runs two probes of one worker at once', async () => {
    const test = setUp(2);
    await test.advance(0);
    test.answers.push('pending');
    await test.advance(1_000);
    for (let index = 0; index < 5; index++) await test.advance(1_000);
    expect(test.probeCount()).toBe(1);
    test.pending[0]?.(true);
    await test.settled();
    await test.advance(1_000);
    await test.settled();
    expect(test.probeCount()).toBe(2);
  });

  it('does not count a failed probe while a request of the worker ended (busy, not hung)', async () => {
    const test = setUp(2);
    await test.advance(0);
    test.answers.push('pending', 'pending');
    await test.advance(1_000);
    test.entry.lastUsed = 5; // a request ended during the probe
    test.pending[0]?.(false);
    await test.settled();
    await test.advance(1_000);
    test.pending[1]?.(false);
    await test.settled();
    expect(test.terminations).toEqual([]);
    expect(test.entry.state).toBe('ready');
  });

  it('leaves a dead process to the exit handling: no hang is declared', async () => {
    const test = setUp(1);
    await test.advance(0);
    test.setAlive(false);
    test.answers.push(false);
    await test.advance(1_000);
    await test.settled();
    expect(test.terminations).toEqual([]);
    expect(test.entry.hangs).toBe(0);
  });
});
