import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('runs once per key while a run is in progress, and again after it', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    const task = async () => ++runs;
    const [first, second] = await Promise.all([flights.run('a', task), flights.run('a', task)]);
    expect([first, second, runs]).toEqual([1, 1, 1]);
    expect(await flights.run('a', task)).toBe(2);
  });

  it('joins the run in progress, or says there is none', async () => {
    const flights = new SingleFlight<string>();
    expect(flights.join('a')).toBeNull();
    let finish: (value: string) => void = () => {};
    const running = flights.run('a', () => new Promise((resolve) => (finish = resolve)));
    const joined = flights.join('a');
    expect(joined).toBe(running);
    expect(flights.join('b')).toBeNull();
    finish('loaded');
    expect(await joined).toBe('loaded');
    expect(flights.join('a')).toBeNull();
  });

  it('gives a joiner the run’s failure, and forgets the run', async () => {
    const flights = new SingleFlight<string>();
    const running = flights.run('a', async () => {
      throw new Error('cannot start');
    });
    const joined = flights.join('a');
    await expect(running).rejects.toThrow('cannot start');
    await expect(joined).rejects.toThrow('cannot start');
    expect(flights.has('a')).toBe(false);
  });
});
