// The waiting logic with a fake gateway and a fake clock (the real gateway is in test/jobs-reservation).
import { describe, expect, it } from 'vitest';
import { type MemoryReserver, waitForMemory } from './memory-reservation.js';

function fakeGateway(
  answers: ({ satisfied: boolean; freeGb: number } | Error)[],
): MemoryReserver & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    async reserve(gb) {
      asked.push(gb);
      const answer = answers.shift() ?? new Error('no more answers');
      if (answer instanceof Error) throw answer;
      return { ...answer, evicted: [] };
    },
  };
}

function fakeClock() {
  let time = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => time,
    sleep: async (ms: number) => {
      slept.push(ms);
      time += ms;
    },
  };
}

const base = { gb: 4, what: 'piper/x (job j)', initialDelayMs: 1_000, maxDelayMs: 4_000 };

describe('waitForMemory', () => {
  it('asks again with a doubling delay until the gateway is satisfied', async () => {
    const clock = fakeClock();
    const reasons: string[] = [];
    const result = await waitForMemory({
      ...base,
      reserver: fakeGateway([
        { satisfied: false, freeGb: 1 },
        new Error('connect ECONNREFUSED'),
        { satisfied: false, freeGb: 3 },
        { satisfied: true, freeGb: 5 },
      ]),
      limitSeconds: 60,
      isCancelled: () => false,
      onWaiting: (reason) => reasons.push(reason),
      ...clock,
    });
    expect(result).toMatchObject({ outcome: 'satisfied', freeGb: 5, attempts: 4 });
    expect(clock.slept).toEqual([1_000, 2_000, 4_000]);
    expect(reasons[0]).toBe(
      'the gateway could free only 1 GiB of the 4 GiB piper/x (job j) needs; asking again in 1 s',
    );
    expect(reasons[1]).toMatch(/did not reserve 4 GiB for piper\/x \(job j\): connect ECONNREFUSED/);
  });

  it('gives up at the limit with the last reason, and stops when cancelled', async () => {
    const timedOut = await waitForMemory({
      ...base,
      reserver: fakeGateway(Array.from({ length: 10 }, () => ({ satisfied: false, freeGb: 2 }))),
      limitSeconds: 5,
      isCancelled: () => false,
      onWaiting: () => {},
      ...fakeClock(),
    });
    expect(timedOut.outcome).toBe('timed_out');
    expect(timedOut).toMatchObject({ attempts: 3 });
    expect((timedOut as { reason: string }).reason).toMatch(
      /only 2 GiB of the 4 GiB .*gave up after 3 tries in 3 s \(limit 5 s\)/,
    );

    let cancelled = false;
    const stopped = await waitForMemory({
      ...base,
      reserver: fakeGateway([{ satisfied: false, freeGb: 0 }]),
      limitSeconds: 60,
      isCancelled: () => cancelled,
      onWaiting: () => {
        cancelled = true;
      },
      ...fakeClock(),
    });
    expect(stopped).toEqual({ outcome: 'cancelled', attempts: 1 });
  });

  it('runs unreserved without a gateway, and says so', async () => {
    const result = await waitForMemory({
      ...base,
      reserver: null,
      limitSeconds: 5,
      isCancelled: () => false,
      onWaiting: () => {},
    });
    expect(result).toEqual({
      outcome: 'no_gateway',
      reason: 'no gateway configured (KLODY_GATEWAY_URL=none): 4 GiB for piper/x (job j) were not reserved',
    });
  });
});
