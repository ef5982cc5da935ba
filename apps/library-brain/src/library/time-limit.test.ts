import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { timeLimit } from './time-limit.js';

// The garbage collector, to show that a limit referred to only through AbortSignal.any survives it
// (an AbortSignal.timeout in its place is collected here and never fires, on Node 20).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** As a request combines them: nothing but the combined signal refers to the limit. */
function combinedWithLimit(): AbortSignal {
  return AbortSignal.any([timeLimit(200, 'no answer within 0.2 s')]);
}

describe('timeLimit', () => {
  it('fires with a TimeoutError even when only AbortSignal.any refers to it and garbage is collected', async () => {
    const combined = combinedWithLimit();
    await sleep(10);
    collectGarbage();
    await sleep(10);
    collectGarbage();
    await sleep(400);
    expect(combined.aborted).toBe(true);
    expect((combined.reason as Error).name).toBe('TimeoutError');
    expect((combined.reason as Error).message).toBe('no answer within 0.2 s');
  });
});
