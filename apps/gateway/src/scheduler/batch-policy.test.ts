import { describe, expect, it } from 'vitest';
import {
  decideAdmission,
  type PolicyDecision,
  type PolicyWorker,
  type SchedulingPolicy,
  type WaitingRequest,
} from './batch-policy.js';

const now = 1_000_000;
const settings = { maxWaitSeconds: 30, minResidencySeconds: 10 };

/** A request for `worker` that arrived `secondsAgo` (ids follow the rows' order, so they name arrivals). */
const request = (
  id: number,
  worker: string,
  secondsAgo: number,
  extra: Partial<WaitingRequest> = {},
): WaitingRequest => ({
  id,
  worker,
  arrivedAt: now - secondsAgo * 1000,
  priority: 0,
  admitted: false,
  ...extra,
});

/** A resident worker, loaded `loadedSecondsAgo` (null: resident since before anything waited). */
const resident = (name: string, loadedSecondsAgo: number | null = null, pinned = false): PolicyWorker => ({
  name,
  resident: true,
  loadedAt: loadedSecondsAgo === null ? null : now - loadedSecondsAgo * 1000,
  pinned,
  loadGb: 1,
});
const away = (name: string, loadGb = 1): PolicyWorker => ({
  name,
  resident: false,
  loadedAt: null,
  pinned: false,
  loadGb,
});

interface Row {
  name: string;
  policy: SchedulingPolicy;
  requests: WaitingRequest[];
  workers: PolicyWorker[];
  /** Free GiB without evicting anything; 0 unless given (a budget that fits one model, held). */
  freeGb?: number;
  expected: PolicyDecision;
}

// A B A C: requests 1 (A), 2 (B), 3 (A), 4 (C), one second apart.
const abac = (extra: Partial<Record<number, Partial<WaitingRequest>>> = {}) => [
  request(1, 'A', 4, extra[1]),
  request(2, 'B', 3, extra[2]),
  request(3, 'A', 2, extra[3]),
  request(4, 'C', 1, extra[4]),
];

const rows: Row[] = [
  // ----- batching -----
  {
    name: 'A B A C with A resident: both A requests proceed, B is loaded next, C waits',
    policy: 'batch',
    requests: abac(),
    workers: [resident('A'), away('B'), away('C')],
    expected: { proceed: [1, 3, 2], next: 'B', closed: [] },
  },
  {
    name: 'A B A C with nothing resident and room for one: A loads, its second request joins the load',
    policy: 'batch',
    requests: abac(),
    workers: [away('A'), away('B'), away('C')],
    freeGb: 1,
    expected: { proceed: [1, 3], next: 'A', closed: [] },
  },
  {
    name: 'A loading: a newcomer for A joins its load, B and C wait (no second swap meanwhile)',
    policy: 'batch',
    requests: abac({ 1: { admitted: true } }),
    workers: [away('A'), away('B'), away('C')],
    expected: { proceed: [1, 3], next: 'A', closed: [] },
  },
  {
    name: 'B loading while A drains: newcomers for B and for the resident A proceed, C waits',
    policy: 'batch',
    requests: [
      request(2, 'B', 3, { admitted: true }),
      request(4, 'C', 2),
      request(5, 'B', 1),
      request(6, 'A', 0),
    ],
    workers: [resident('A'), away('B'), away('C')],
    expected: { proceed: [6, 2, 5], next: 'B', closed: [] },
  },
  {
    name: 'a model that fits in the free memory loads at once, without waiting for a swap',
    policy: 'batch',
    requests: abac(),
    workers: [resident('A'), away('B'), away('C')],
    freeGb: 2,
    expected: { proceed: [1, 3, 2, 4], next: 'B', closed: [] },
  },
  {
    name: 'only what fits: B fits, C (2 GiB) does not and waits behind it',
    policy: 'batch',
    requests: abac(),
    workers: [resident('A'), away('B'), away('C', 2)],
    freeGb: 1.5,
    expected: { proceed: [1, 3, 2], next: 'B', closed: [] },
  },
  {
    name: 'a model the table does not know waits for its turn like any other',
    policy: 'batch',
    requests: [request(1, 'X', 2), request(2, 'A', 1)],
    workers: [resident('A')],
    expected: { proceed: [2, 1], next: 'X', closed: [] },
  },
  // ----- the bound on batching -----
  {
    name: 'B has waited 29 s (< 30): the resident A still takes newcomers',
    policy: 'batch',
    requests: [request(2, 'B', 29, { admitted: true }), request(7, 'A', 0)],
    workers: [resident('A', 300), away('B')],
    expected: { proceed: [7, 2], next: 'B', closed: [] },
  },
  {
    name: 'B has waited 30 s: A is closed to newcomers and drains, B is loaded next',
    policy: 'batch',
    requests: [request(2, 'B', 30, { admitted: true }), request(7, 'A', 0), request(8, 'A', 0)],
    workers: [resident('A', 300), away('B')],
    expected: { proceed: [2], next: 'B', closed: ['A'] },
  },
  {
    name: 'a starved model not yet admitted is loaded next, the resident closed',
    policy: 'batch',
    requests: [request(2, 'B', 45), request(7, 'A', 0)],
    workers: [resident('A'), away('B')],
    expected: { proceed: [2], next: 'B', closed: ['A'] },
  },
  {
    name: 'a resident loaded 3 s ago keeps its newcomers although B starves (min residency)',
    policy: 'batch',
    requests: [request(2, 'B', 40, { admitted: true }), request(7, 'A', 0)],
    workers: [resident('A', 3), away('B')],
    expected: { proceed: [7, 2], next: 'B', closed: [] },
  },
  {
    name: 'the residency over (loaded 10 s ago), the starved B closes A',
    policy: 'batch',
    requests: [request(2, 'B', 40, { admitted: true }), request(7, 'A', 0)],
    workers: [resident('A', 10), away('B')],
    expected: { proceed: [2], next: 'B', closed: ['A'] },
  },
  {
    name: 'a pinned resident is never closed (closing it makes no room)',
    policy: 'batch',
    requests: [request(2, 'B', 40, { admitted: true }), request(7, 'P', 0)],
    workers: [resident('P', null, true), away('B')],
    expected: { proceed: [7, 2], next: 'B', closed: [] },
  },
  {
    name: 'two models past the bound: the one that waited longest first',
    policy: 'batch',
    requests: [request(1, 'B', 35), request(2, 'C', 50), request(3, 'A', 0)],
    workers: [resident('A'), away('B'), away('C')],
    expected: { proceed: [2], next: 'C', closed: ['A'] },
  },
  // ----- priority -----
  {
    name: 'within the bound the higher priority goes first, though it arrived later',
    policy: 'batch',
    requests: [request(1, 'B', 20), request(2, 'C', 1, { priority: 5 })],
    workers: [resident('A'), away('B'), away('C')],
    expected: { proceed: [2], next: 'C', closed: [] },
  },
  {
    name: 'priority yields to the bound: B (priority 0) waited 31 s, C (priority 5) did not',
    policy: 'batch',
    requests: [request(1, 'B', 31), request(2, 'C', 1, { priority: 5 })],
    workers: [resident('A'), away('B'), away('C')],
    expected: { proceed: [1], next: 'B', closed: [] },
  },
  {
    name: 'equal priorities: the oldest arrival first',
    policy: 'batch',
    requests: [request(1, 'B', 5, { priority: 2 }), request(2, 'C', 9, { priority: 2 })],
    workers: [resident('A'), away('B'), away('C')],
    expected: { proceed: [2], next: 'C', closed: [] },
  },
  {
    name: 'a group’s priority is its highest request’s',
    policy: 'batch',
    requests: [request(1, 'B', 9), request(2, 'C', 5), request(3, 'B', 1, { priority: 3 })],
    workers: [resident('A'), away('B'), away('C')],
    expected: { proceed: [1, 3], next: 'B', closed: [] },
  },
  {
    name: 'a newcomer to the resident model outranked by a waiting model is held',
    policy: 'batch',
    requests: [request(1, 'B', 2, { priority: 5 }), request(2, 'A', 1)],
    workers: [resident('A'), away('B')],
    expected: { proceed: [1], next: 'B', closed: ['A'] },
  },
  {
    name: 'a newcomer to the resident model with a higher priority than any waiting one proceeds',
    policy: 'batch',
    requests: [request(1, 'B', 2, { priority: 5 }), request(2, 'A', 1, { priority: 9 })],
    workers: [resident('A'), away('B')],
    expected: { proceed: [2, 1], next: 'B', closed: [] },
  },
  {
    name: 'an outranked newcomer to a fresh resident still proceeds (min residency)',
    policy: 'batch',
    requests: [request(1, 'B', 2, { priority: 5 }), request(2, 'A', 1)],
    workers: [resident('A', 1), away('B')],
    expected: { proceed: [2, 1], next: 'B', closed: [] },
  },
  // ----- fifo: strict arrival order, the baseline -----
  {
    name: 'fifo, A B A C with A resident: A, then B to load; the second A waits behind B',
    policy: 'fifo',
    requests: abac(),
    workers: [resident('A'), away('B'), away('C')],
    expected: { proceed: [1, 2], next: 'B', closed: ['A'] },
  },
  {
    name: 'fifo, nothing resident and room for one: only the first arrival loads',
    policy: 'fifo',
    requests: abac(),
    workers: [away('A'), away('B'), away('C')],
    freeGb: 1,
    expected: { proceed: [1], next: 'A', closed: [] },
  },
  {
    name: 'fifo, consecutive requests for one model go together',
    policy: 'fifo',
    requests: [request(1, 'A', 3), request(2, 'A', 2), request(3, 'B', 1), request(4, 'A', 0)],
    workers: [resident('A'), away('B')],
    expected: { proceed: [1, 2, 3], next: 'B', closed: ['A'] },
  },
  {
    name: 'fifo, B loading: the A behind it waits, and so does the B behind that A',
    policy: 'fifo',
    requests: [request(1, 'B', 3, { admitted: true }), request(2, 'A', 2), request(3, 'B', 1)],
    workers: [resident('A'), away('B')],
    expected: { proceed: [1], next: 'B', closed: ['A'] },
  },
  {
    name: 'fifo, B resident now: the A ahead is loaded next, the B behind it waits',
    policy: 'fifo',
    requests: [request(2, 'A', 2), request(3, 'B', 1)],
    workers: [resident('B'), away('A')],
    expected: { proceed: [2], next: 'A', closed: ['B'] },
  },
  {
    name: 'fifo ignores priority and the bound',
    policy: 'fifo',
    requests: [request(1, 'B', 100), request(2, 'C', 1, { priority: 9 })],
    workers: [resident('A'), away('B'), away('C')],
    expected: { proceed: [1], next: 'B', closed: [] },
  },
  {
    name: 'fifo, nothing ahead: a request for the resident model proceeds',
    policy: 'fifo',
    requests: [request(1, 'A', 0)],
    workers: [resident('A')],
    expected: { proceed: [1], next: null, closed: [] },
  },
  {
    name: 'batch, nothing else waits: a request for the resident model proceeds',
    policy: 'batch',
    requests: [request(1, 'A', 0)],
    workers: [resident('A')],
    expected: { proceed: [1], next: null, closed: [] },
  },
];

describe('decideAdmission', () => {
  it.each(rows)('$name', (row) => {
    const decision = decideAdmission({
      requests: row.requests,
      workers: row.workers,
      freeGb: row.freeGb ?? 0,
      now,
      settings: { ...settings, policy: row.policy },
    });
    expect(decision).toEqual(row.expected);
  });

  it('has no state: the same input gives the same decision', () => {
    const input = {
      requests: abac(),
      workers: [resident('A'), away('B'), away('C')],
      freeGb: 0,
      now,
      settings: { ...settings, policy: 'batch' as const },
    };
    expect(decideAdmission(input)).toEqual(decideAdmission(input));
  });
});
