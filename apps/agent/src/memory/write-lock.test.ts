import { describe, expect, it } from 'vitest';
import { createWriteLock } from './write-lock.js';

describe('createWriteLock', () => {
  it('runs callbacks one at a time, in the order they asked, past a failure', async () => {
    const lock = createWriteLock();
    const events: string[] = [];
    const slow = lock.runExclusive(async () => {
      events.push('slow start');
      await new Promise((resolve) => setTimeout(resolve, 20));
      events.push('slow end');
      return 1;
    });
    const failing = lock.runExclusive(() => {
      events.push('failing');
      throw new Error('no');
    });
    const last = lock.runExclusive(() => {
      events.push('last');
      return 3;
    });
    await expect(slow).resolves.toBe(1);
    await expect(failing).rejects.toThrow('no');
    await expect(last).resolves.toBe(3);
    expect(events).toEqual(['slow start', 'slow end', 'failing', 'last']);
  });
});
