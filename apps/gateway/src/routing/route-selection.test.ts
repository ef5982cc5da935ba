import { describe, expect, it } from 'vitest';
import type { Routes } from '../registry/index.js';
import { chooseReplica, type ReplicaView, routeGroups } from './route-selection.js';

/** A row of the table: name, ready, inflight, queued, slots, circuit allows. */
type Row = [string, boolean, number, number, number, boolean];
const views = (rows: Row[]): ReplicaView[] =>
  rows.map(([name, ready, inflight, queued, slots, circuitAllows]) => ({
    name,
    ready,
    inflight,
    queued,
    slots,
    circuitAllows,
  }));

describe('chooseReplica', () => {
  const cases: Array<{ what: string; rows: Row[]; turn?: number; expected: string | null }> = [
    {
      what: 'the least busy per slot wins',
      rows: [
        ['a', true, 2, 0, 2, true], // 1.0
        ['b', true, 3, 1, 8, true], // 0.5
        ['c', true, 1, 1, 2, true], // 1.0
      ],
      expected: 'b',
    },
    {
      what: 'queued requests count as busy',
      rows: [
        ['a', true, 1, 3, 4, true], // 1.0
        ['b', true, 2, 0, 4, true], // 0.5
      ],
      expected: 'b',
    },
    {
      what: 'a ready worker with a free slot comes before an idle one that needs a load',
      rows: [
        ['stopped', false, 0, 0, 4, true],
        ['busy', true, 3, 0, 4, true],
      ],
      expected: 'busy',
    },
    {
      what: 'once every ready worker is full, an idle one that needs a load adds capacity',
      rows: [
        ['stopped', false, 0, 0, 4, true],
        ['full', true, 4, 0, 4, true],
        ['fuller', true, 4, 2, 4, true],
      ],
      expected: 'stopped',
    },
    {
      what: 'a loading worker whose queue is longer than the ready ones waits its turn',
      rows: [
        ['loading', false, 0, 6, 4, true],
        ['full', true, 4, 1, 4, true],
      ],
      expected: 'full',
    },
    {
      what: 'among full workers equally busy, a ready one wins the tie',
      rows: [
        ['loading', false, 0, 4, 4, true],
        ['full', true, 4, 0, 4, true],
      ],
      turn: 1,
      expected: 'full',
    },
    {
      what: 'one that needs a load is chosen when no ready one may be tried',
      rows: [
        ['stopped', false, 0, 0, 1, true],
        ['open', true, 0, 0, 1, false],
      ],
      expected: 'stopped',
    },
    {
      what: 'an open circuit is never chosen, however idle',
      rows: [
        ['open', true, 0, 0, 8, false],
        ['busy', true, 9, 9, 1, true],
      ],
      expected: 'busy',
    },
    {
      what: 'nothing when every circuit is open',
      rows: [
        ['a', true, 0, 0, 1, false],
        ['b', false, 0, 0, 1, false],
      ],
      expected: null,
    },
    { what: 'nothing from nothing', rows: [], expected: null },
    {
      what: 'ties go round with the turn (turn 0 → first tie)',
      rows: [
        ['a', true, 1, 0, 1, true],
        ['b', true, 0, 0, 1, true],
        ['c', true, 0, 0, 1, true],
      ],
      turn: 0,
      expected: 'b',
    },
    {
      what: 'ties go round with the turn (turn 1 → second tie)',
      rows: [
        ['a', true, 1, 0, 1, true],
        ['b', true, 0, 0, 1, true],
        ['c', true, 0, 0, 1, true],
      ],
      turn: 1,
      expected: 'c',
    },
    {
      what: 'ties go round with the turn (turn 2 → first tie again)',
      rows: [
        ['a', true, 1, 0, 1, true],
        ['b', true, 0, 0, 1, true],
        ['c', true, 0, 0, 1, true],
      ],
      turn: 2,
      expected: 'b',
    },
  ];
  for (const { what, rows, turn = 0, expected } of cases) {
    it(what, () => {
      expect(chooseReplica(views(rows), turn)?.name ?? null).toBe(expected);
    });
  }

  it('spreads an idle route evenly over successive turns', () => {
    const table = views([
      ['a', true, 0, 0, 1, true],
      ['b', true, 0, 0, 1, true],
      ['c', true, 0, 0, 1, true],
    ]);
    const counts: Record<string, number> = {};
    for (let turn = 0; turn < 30; turn++) {
      const name = chooseReplica(table, turn)?.name ?? 'none';
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(counts).toEqual({ a: 10, b: 10, c: 10 });
  });
});

describe('routeGroups', () => {
  const workerOf = (alias: string) =>
    ({ solo: 'solo', 'solo-alias': 'solo', a: 'a', b: 'b', c: 'c' })[alias] ?? null;
  const route = (workers: string[], fallbacks: string[] = []) => ({ workers, fallbacks });

  it('is null for an alias that is no route (a plain alias keeps its old path)', () => {
    expect(routeGroups({ chat: route(['a']) }, 'solo-alias', workerOf)).toBeNull();
    expect(routeGroups({ chat: route(['a']) }, 'toString', workerOf)).toBeNull();
  });

  it('lists the route, then each fallback in order, depth first', () => {
    const routes: Routes = {
      chat: route(['a', 'b'], ['small', 'solo-alias']),
      small: route(['c'], ['tiny']),
      tiny: route(['solo']),
    };
    expect(routeGroups(routes, 'chat', workerOf)).toEqual([
      { alias: 'chat', workers: ['a', 'b'] },
      { alias: 'small', workers: ['c'] },
      { alias: 'tiny', workers: ['solo'] },
    ]);
  });

  it('keeps a worker in the first group that lists it and drops groups left empty', () => {
    const routes: Routes = { chat: route(['a', 'b'], ['other', 'a']), other: route(['b', 'c']) };
    expect(routeGroups(routes, 'chat', workerOf)).toEqual([
      { alias: 'chat', workers: ['a', 'b'] },
      { alias: 'other', workers: ['c'] },
    ]);
  });

  it('stays finite on a cycle the registry would have refused', () => {
    const routes: Routes = { x: route(['a'], ['y']), y: route(['b'], ['x']) };
    expect(routeGroups(routes, 'x', workerOf)).toEqual([
      { alias: 'x', workers: ['a'] },
      { alias: 'y', workers: ['b'] },
    ]);
  });
});
