import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { startTimeLimit } from './start-time-limit.js';

// The garbage collector, to show that a limit referred to only through AbortSignal.any survives it
// (an AbortSignal.timeout in its place is collected and never fires, on Node 20).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** As a call combines them: nothing but the combined signal refers to the limit. */
function combinedWithLimit(): AbortSignal {
  return AbortSignal.any([new AbortController().signal, startTimeLimit(200, 'too slow').signal]);
}

it('fires with a TimeoutError carrying its message, even when only AbortSignal.any refers to it', async () => {
  const combined = combinedWithLimit();
  await sleep(10);
  collectGarbage();
  await sleep(10);
  collectGarbage();
  await sleep(400);
  expect(combined.aborted).toBe(true);
  expect((combined.reason as DOMException).name).toBe('TimeoutError');
  expect((combined.reason as DOMException).message).toBe('too slow');
});

it('never fires once cleared', async () => {
  const limit = startTimeLimit(20, 'too slow');
  limit.clear();
  await sleep(60);
  expect(limit.signal.aborted).toBe(false);
});
