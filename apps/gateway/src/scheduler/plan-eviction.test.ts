import { describe, expect, it } from 'vitest';
import { planEviction, type SchedulerWorker } from './plan-eviction.js';
import { SchedulerLedger } from './scheduler-ledger.js';
import { SingleFlight } from './single-flight.js';

function worker(name: string, overrides: Partial<SchedulerWorker> = {}): SchedulerWorker {
  return {
    name,
    estimatedGb: 4,
    measuredGb: null,
    pinned: false,
    inflight: 0,
    lastUsed: 100,
    running: true,
    ...overrides,
  };
}

describe('planEviction', () => {
  it('fits without eviction when there is room', () => {
    const plan = planEviction({ workers: [worker('a')], budgetGb: 10, need: { worker: 'b', gb: 4 } });
    expect(plan).toEqual({ fits: true, evict: [], freeGbAfter: 2 });
  });

  it('evicts the least recently used first, and only as many as needed', () => {
    const workers = [
      worker('new', { lastUsed: 300 }),
      worker('old', { lastUsed: 100 }),
      worker('mid', { lastUsed: 200 }),
    ];
    const plan = planEviction({ workers, budgetGb: 12, need: { worker: 'x', gb: 4 } });
    expect(plan).toMatchObject({ fits: true, evict: ['old'] });
    const bigger = planEviction({ workers, budgetGb: 12, need: { worker: 'x', gb: 8 } });
    expect(bigger).toMatchObject({ fits: true, evict: ['old', 'mid'] });
  });

  it('uses the measured footprint over the estimate', () => {
    const workers = [worker('a', { estimatedGb: 8, measuredGb: 1 })];
    expect(planEviction({ workers, budgetGb: 10, need: { worker: 'b', gb: 8 } })).toMatchObject({
      fits: true,
      evict: [],
    });
    const unmeasured = [worker('a', { estimatedGb: 8 })];
    expect(planEviction({ workers: unmeasured, budgetGb: 10, need: { worker: 'b', gb: 8 } })).toMatchObject({
      evict: ['a'],
    });
  });

  it('never evicts a worker that is serving; says it may fit later', () => {
    const workers = [worker('busy', { inflight: 1, lastUsed: 1 }), worker('idle', { lastUsed: 500 })];
    const plan = planEviction({ workers, budgetGb: 8, need: { worker: 'x', gb: 4 } });
    expect(plan).toMatchObject({ fits: true, evict: ['idle'] });
    const none = planEviction({
      workers: [worker('busy', { inflight: 2 })],
      budgetGb: 4,
      need: { worker: 'x', gb: 4 },
    });
    expect(none).toMatchObject({ fits: false, reason: 'busy', retryable: true, blockers: ['busy'] });
  });

  it('never evicts a pinned worker, even the least recently used', () => {
    const workers = [worker('brain', { pinned: true, lastUsed: 1 }), worker('coder', { lastUsed: 900 })];
    const plan = planEviction({ workers, budgetGb: 8, need: { worker: 'x', gb: 4 } });
    expect(plan).toMatchObject({ fits: true, evict: ['coder'] });
  });

  it('cannot fit when only pinned workers remain, and says it never will', () => {
    const workers = [worker('brain', { pinned: true, estimatedGb: 6 })];
    const plan = planEviction({ workers, budgetGb: 8, need: { worker: 'x', gb: 4 } });
    expect(plan).toMatchObject({ fits: false, reason: 'pinned', retryable: false, blockers: ['brain'] });
    if (!plan.fits) expect(plan.message).toContain('brain');
  });

  it('cannot fit when only pinned or busy workers remain', () => {
    const workers = [worker('brain', { pinned: true }), worker('coder', { inflight: 1 })];
    const plan = planEviction({ workers, budgetGb: 8, need: { worker: 'x', gb: 4 } });
    expect(plan).toMatchObject({ fits: false, reason: 'busy', retryable: true, blockers: ['coder'] });
  });

  it('refuses a need larger than the budget', () => {
    expect(planEviction({ workers: [], budgetGb: 4, need: { worker: 'x', gb: 5 } })).toMatchObject({
      fits: false,
      reason: 'exceeds_budget',
      retryable: false,
    });
  });

  it('ignores stopped workers and never evicts the target itself', () => {
    const workers = [worker('x', { lastUsed: 0 }), worker('gone', { running: false })];
    expect(planEviction({ workers, budgetGb: 4, need: { worker: 'x', gb: 4 } })).toEqual({
      fits: true,
      evict: [],
      freeGbAfter: 0,
    });
  });
});

describe('SchedulerLedger', () => {
  it('never lets two overlapping plans evict the same worker twice', () => {
    const ledger = new SchedulerLedger();
    const workers = [worker('a', { lastUsed: 1 }), worker('b', { lastUsed: 2 })];
    const first = ledger.decide(workers, 8, { worker: 'x', gb: 4 });
    const second = ledger.decide(workers, 8, { worker: 'y', gb: 4 });
    expect(first.plan).toMatchObject({ fits: true, evict: ['a'] });
    expect(second.plan).toMatchObject({ fits: true, evict: ['b'] });
    // A third load finds nothing left to evict: both are claimed and the room is promised.
    const third = ledger.decide(workers, 8, { worker: 'z', gb: 4 });
    expect(third.plan).toMatchObject({ fits: false, retryable: true });
  });

  it('does not spend the same free memory twice', () => {
    const ledger = new SchedulerLedger();
    const first = ledger.decide([], 6, { worker: 'x', gb: 4 });
    const second = ledger.decide([], 6, { worker: 'y', gb: 4 });
    expect(first.plan.fits).toBe(true);
    expect(second.plan).toMatchObject({ fits: false, reason: 'busy', retryable: true });
  });

  it('a cancelled waiter releases its reservation', () => {
    const ledger = new SchedulerLedger();
    const waiter = ledger.decide([], 6, { worker: 'x', gb: 4 });
    expect(ledger.decide([], 6, { worker: 'y', gb: 4 }).plan.fits).toBe(false);
    if (!('reservation' in waiter)) throw new Error('expected a reservation');
    ledger.release(waiter.reservation);
    ledger.release(waiter.reservation); // idempotent
    expect(ledger.reservedGb).toBe(0);
    expect(ledger.decide([], 6, { worker: 'y', gb: 4 }).plan.fits).toBe(true);
  });

  it('frees a claim once the evicted worker stopped', () => {
    const ledger = new SchedulerLedger();
    const workers = [worker('a')];
    ledger.decide(workers, 4, { worker: 'x', gb: 4 });
    expect(ledger.claimed.has('a')).toBe(true);
    ledger.releaseClaim('a');
    expect(ledger.claimed.size).toBe(0);
  });
});

describe('SingleFlight', () => {
  it('runs a task once for concurrent callers of the same key', async () => {
    const flight = new SingleFlight<number>();
    let starts = 0;
    const task = async () => {
      starts++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return starts;
    };
    const results = await Promise.all([flight.run('m', task), flight.run('m', task), flight.run('m', task)]);
    expect(results).toEqual([1, 1, 1]);
    expect(starts).toBe(1);
    expect(flight.has('m')).toBe(false);
    await flight.run('m', task);
    expect(starts).toBe(2);
  });
});
