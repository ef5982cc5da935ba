/** A call's time limit: `signal` fires with a `TimeoutError` after the delay, unless cleared first. */
export interface TimeLimit {
  readonly signal: AbortSignal;
  /** Stops the timer: the call is over, whatever its outcome. */
  clear(): void;
}

/**
 * Starts a time limit whose timer holds its controller. Not `AbortSignal.timeout`: on Node 20
 * `AbortSignal.any` holds its sources weakly, so a timeout signal that nothing else refers to can be
 * garbage-collected while a call waits, and then never fires. The timer does not keep the process alive.
 * (@klody/memory's `timeLimit` and @klody/gateway-client's are the same idea in packages that do not
 * depend on this one.)
 */
export function startTimeLimit(milliseconds: number, message: string): TimeLimit {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(message, 'TimeoutError')), milliseconds);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
