/** A counting semaphore with FIFO waiters; an aborted waiter leaves the line without taking a permit. */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<{ grant: () => void; reject: (error: unknown) => void }> = [];

  constructor(permits: number) {
    this.available = permits;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  get free(): number {
    return this.available;
  }

  /** Resolves with a release function (idempotent) once a permit is free. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    const makeRelease = () => {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.releaseOne();
      };
    };
    if (this.available > 0 && this.waiters.length === 0) {
      this.available--;
      return Promise.resolve(makeRelease());
    }
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(makeRelease());
        },
        reject,
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaseOne(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.available++;
  }
}
