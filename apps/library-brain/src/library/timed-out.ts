/**
 * Whether an error (or one of its causes) is a time limit passing: the memory package reports a
 * first-token, idle or request limit as its usual failure code with a `TimeoutError` as the cause.
 */
export function timedOut(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current.name === 'TimeoutError') return true;
    current = current.cause;
  }
  return false;
}
