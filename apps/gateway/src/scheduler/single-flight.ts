/**
 * One run per key at a time: concurrent callers for the same key share the run in progress, so that
 * concurrent `ensure()` of one model starts it once.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, task: () => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) return existing;
    const promise = (async () => {
      try {
        return await task();
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, promise);
    return promise;
  }

  /** The run in progress for `key`, to wait for it without starting one; null when there is none. */
  join(key: string): Promise<T> | null {
    return this.running.get(key) ?? null;
  }

  has(key: string): boolean {
    return this.running.has(key);
  }
}
