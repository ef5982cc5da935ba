import type { WriteLock } from '@klody/memory';

/**
 * One writer at a time for @klody/memory's writes on the agent's connection (an async-mutex `Mutex`
 * does the same; this avoids a dependency). Callbacks run in the order they asked, each after the
 * previous one settled, failed or not.
 */
export function createWriteLock(): WriteLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    runExclusive<T>(callback: () => T | Promise<T>): Promise<T> {
      const result = tail.then(callback);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
