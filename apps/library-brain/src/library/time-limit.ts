// The same as @klody/memory's own (not part of its public API): a time limit that survives the
// garbage collector.

/**
 * An abort signal that fires after `milliseconds` with a `TimeoutError` carrying `message`. Unlike
 * `AbortSignal.timeout`, it stays alive while only `AbortSignal.any` refers to it: on Node 20 `any`
 * holds its sources weakly, and an `AbortSignal.timeout` collected by the garbage collector never
 * fires — the time limit silently vanishes and a hanging server is waited on for ever. Here the
 * timer holds the controller; it does not keep the process alive.
 */
export function timeLimit(milliseconds: number, message: string): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException(message, 'TimeoutError')), milliseconds).unref();
  return controller.signal;
}
