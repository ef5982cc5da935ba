import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { startTimeLimit } from './time-limit.js';

// The garbage collector, to show that a limit referred to only through AbortSignal.any survives it
// (an AbortSignal.timeout in its place can be collected on Node 20, and then never fires).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** As a call combines them: nothing but the combined signal refers to the limit. */
function combinedWithLimit(milliseconds: number): AbortSignal {
  return AbortSignal.any([new AbortController().signal, startTimeLimit(milliseconds, 'no answer').signal]);
}

describe('startTimeLimit', () => {
  it('fires with a TimeoutError even when only AbortSignal.any refers to it and garbage is collected', async () => {
    const combined = combinedWithLimit(200);
    for (let round = 0; round < 3; round++) {
      await sleep(10);
      collectGarbage();
    }
    await sleep(400);
    expect(combined.aborted).toBe(true);
    expect((combined.reason as Error).name).toBe('TimeoutError');
    expect((combined.reason as Error).message).toBe('no answer');
  });

  it('never fires once cleared', async () => {
    const limit = startTimeLimit(50, 'no answer');
    limit.clear();
    await sleep(150);
    expect(limit.signal.aborted).toBe(false);
  });
});
