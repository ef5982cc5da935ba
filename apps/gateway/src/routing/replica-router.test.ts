import type { WorkerStatus } from '@klody/gateway-client/schemas';
import { describe, expect, it } from 'vitest';
import type { CircuitBreakerConfig, Routes } from '../registry/index.js';
import { ReplicaRouter, type RoutedWorkers } from './replica-router.js';

/** A fake of the worker manager's routing side: a fixed registry and status rows the test edits. */
function fakeWorkers(
  routes: Routes,
  circuitBreaker: CircuitBreakerConfig = { failureThreshold: 3, coolDownSeconds: 30 },
) {
  const names = ['a', 'b', 'c', 'solo'];
  const rows = new Map<string, WorkerStatus>(
    names.map((name) => [
      name,
      {
        name,
        aliases: [`${name}-alias`],
        kind: 'chat',
        state: 'remote',
        pid: null,
        adopted: false,
        pinned: false,
        inflight: 0,
        queued: 0,
        slots: 1,
        lastUsed: null,
        estimatedGb: 0,
        measuredGb: null,
        scheduledGb: 0,
        url: `http://127.0.0.1/${name}`,
        requests: 0,
        starts: 0,
        hangs: 0,
        lastError: null,
      },
    ]),
  );
  const workers: RoutedWorkers = {
    routing: () => ({ routes, circuitBreaker }),
    resolve: (alias) => names.find((name) => alias === name || alias === `${name}-alias`) ?? null,
    status: () => [...rows.values()],
  };
  return { workers, rows };
}

const route = (
  workers: string[],
  fallbacks: string[] = [],
  circuitBreaker?: Routes[string]['circuitBreaker'],
) => ({
  workers,
  fallbacks,
  ...(circuitBreaker ? { circuitBreaker } : {}),
});

describe('ReplicaRouter', () => {
  it("gives each worker its own route's breaker settings, a fallback-only worker the first route's, else the defaults", () => {
    const { workers } = fakeWorkers(
      {
        chat: route(['a'], ['solo-alias'], { failureThreshold: 1 }),
        other: route(['b', 'solo'], [], { coolDownSeconds: 5 }),
      },
      { failureThreshold: 4, coolDownSeconds: 60 },
    );
    const router = new ReplicaRouter({ workers, now: () => 0 });
    expect(router.breaker('a').settings).toEqual({ failureThreshold: 1, coolDownMs: 60_000 });
    expect(router.breaker('b').settings).toEqual({ failureThreshold: 4, coolDownMs: 5_000 });
    // solo is a worker of "other" itself: that wins over being chat's fallback.
    expect(router.breaker('solo').settings).toEqual({ failureThreshold: 4, coolDownMs: 5_000 });
  });

  it('shows a circuit only for the workers a route may try', () => {
    const { workers } = fakeWorkers({ chat: route(['a', 'b'], ['c-alias']) });
    const router = new ReplicaRouter({ workers, now: () => 2_000 });
    const shown = router.withCircuits(workers.status());
    expect(shown.filter((row) => row.circuit).map((row) => row.name)).toEqual(['a', 'b', 'c']);
    expect(shown.find((row) => row.name === 'a')?.circuit).toEqual({
      state: 'closed',
      failures: 0,
      opens: 0,
      retryAt: null,
    });
  });

  it('chooses the least busy worker, skips one whose circuit is open and says which it refused', () => {
    let time = 0;
    const { workers, rows } = fakeWorkers(
      { chat: route(['a', 'b']) },
      { failureThreshold: 1, coolDownSeconds: 10 },
    );
    const router = new ReplicaRouter({ workers, now: () => time });
    (rows.get('a') as WorkerStatus).inflight = 1;
    const first = router.choose(['a', 'b']);
    expect(first.worker).toBe('b');
    if (first.worker === null) throw new Error('nothing chosen');
    router.breaker('b').failed(first.ticket);
    // b's circuit is open: a, busier, is the one left.
    expect(router.choose(['a', 'b']).worker).toBe('a');
    const refused = router.choose(['b']);
    expect(refused).toEqual({ worker: null, refused: ['b'] });
    expect(router.withCircuits(workers.status()).find((row) => row.name === 'b')?.circuit).toMatchObject({
      state: 'open',
      retryAt: 10,
    });
    // After the cool-down, b gets exactly one trial.
    time = 10_000;
    expect(router.choose(['b'])).toMatchObject({ worker: 'b', ticket: { trial: true } });
    expect(router.choose(['b'])).toEqual({ worker: null, refused: ['b'] });
  });

  it('keeps a breaker across a reload that keeps the worker in a route, and drops it otherwise', () => {
    let routes: Routes = { chat: route(['a', 'b'], [], { failureThreshold: 1 }) };
    const workers: RoutedWorkers = {
      ...fakeWorkers({}).workers,
      routing: () => ({ routes, circuitBreaker: { failureThreshold: 3, coolDownSeconds: 30 } }),
    };
    const router = new ReplicaRouter({ workers, now: () => 0 });
    const ticket = router.breaker('a').pass();
    if (!ticket) throw new Error('refused');
    router.breaker('a').failed(ticket);
    routes = { chat: route(['a']) };
    expect(router.breaker('a').state).toBe('open');
    expect(router.breaker('a').settings.failureThreshold).toBe(3);
    expect(router.withCircuits(workers.status()).find((row) => row.name === 'b')?.circuit).toBeUndefined();
  });
});
