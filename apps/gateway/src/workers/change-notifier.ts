/**
 * Change notification: requests waiting for room (a load that cannot fit yet) are woken whenever
 * something changed — a worker stopped or exited, a load ended, a lease was released — and plan again.
 */
export class ChangeNotifier {
  private readonly waiters = new Set<() => void>();

  constructor(private readonly now: () => number) {}

  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` at every change until the returned function is called. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves true at the next change, false at the deadline or when the signal aborts. */
  wait(signal: AbortSignal | undefined, deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(onChange);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onChange = () => finish(true);
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), Math.max(0, deadline - this.now()));
      this.waiters.add(onChange);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
