/**
 * A re-armable time limit for a streamed answer: armed with the first-token limit when the request
 * starts, re-armed with the idle limit at every event. Its signal aborts with a `TimeoutError`
 * whose message says which limit passed, so the caller can tell "too slow" from "cancelled".
 */
export interface StreamDeadline {
  readonly signal: AbortSignal;
  /** Starts (or restarts) the limit; `undefined` milliseconds means no limit. */
  arm(milliseconds: number | undefined, message: string): void;
  clear(): void;
}

export function createStreamDeadline(): StreamDeadline {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  return {
    signal: controller.signal,
    arm(milliseconds, message) {
      clearTimeout(timer);
      timer = undefined;
      if (milliseconds === undefined || controller.signal.aborted) return;
      timer = setTimeout(() => controller.abort(new DOMException(message, 'TimeoutError')), milliseconds);
    },
    clear() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
