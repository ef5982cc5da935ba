import { setTimeout as sleep } from 'node:timers/promises';
import { startTimeLimit } from '../time/start-time-limit.js';

/** What one look at a health URL found. */
export interface HealthAnswer {
  /** Whether it answered a ready status. */
  healthy: boolean;
  /** The status it answered; null when nothing answered (or a custom probe does not say). */
  status: number | null;
  /** Why it does not count as healthy (`answered 503`, `fetch failed: connect ECONNREFUSED …`); null when healthy. */
  problem: string | null;
}

export interface ProbeHealthOptions {
  /** How long the answer may take. */
  timeoutMs: number;
  /** Which status counts as ready; any 2xx by default. */
  isReady?: (status: number) => boolean;
  /** Stops the look at once: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface WaitForHealthyOptions extends Omit<ProbeHealthOptions, 'timeoutMs'> {
  /** How long to keep looking. At least one look is made, even with no time left. */
  timeoutMs: number;
  /** One look's limit (default 2 s); a look never runs more than 100 ms past the end of the wait. */
  probeTimeoutMs?: number;
  /** The first pause between two looks (default 25 ms); each pause doubles, up to `maxIntervalMs`. */
  intervalMs?: number;
  /** The longest pause between two looks (default 250 ms); equal to `intervalMs` for a steady pace. */
  maxIntervalMs?: number;
  /**
   * One look, instead of a GET: for a caller whose processes sit behind an interface of its own (a
   * fake in unit tests). Resolves with whether the service is healthy.
   */
  probe?: (url: string, timeoutMs: number) => Promise<boolean>;
}

const isSuccess = (status: number) => status >= 200 && status < 300;

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch says only "fetch failed"; the reason (ECONNREFUSED, a reset) is its cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** One GET of `url`: healthy on a ready status within `timeoutMs`. The body is not read. */
export async function probeHealth(url: string, options: ProbeHealthOptions): Promise<HealthAnswer> {
  const { timeoutMs, isReady = isSuccess, signal } = options;
  signal?.throwIfAborted();
  // A time limit held by its timer (startTimeLimit), combined with the caller's signal.
  const limit = startTimeLimit(timeoutMs, `no answer within ${timeoutMs} ms`);
  try {
    const response = await fetch(url, {
      signal: signal ? AbortSignal.any([signal, limit.signal]) : limit.signal,
    });
    await response.body?.cancel();
    return isReady(response.status)
      ? { healthy: true, status: response.status, problem: null }
      : { healthy: false, status: response.status, problem: `answered ${response.status}` };
  } catch (error) {
    signal?.throwIfAborted();
    return { healthy: false, status: null, problem: describeFailure(error) };
  } finally {
    limit.clear();
  }
}

/**
 * Looks at `url` until it answers a ready status (any 2xx by default), pausing between looks with a
 * doubling backoff. Resolves with the healthy answer, or with the last one once `timeoutMs` have passed
 * (its `problem` says why: the caller words the failure). Rejects with the signal's reason when
 * `signal` aborts (the process being waited for exited, the caller gave up).
 */
export async function waitForHealthy(url: string, options: WaitForHealthyOptions): Promise<HealthAnswer> {
  const { timeoutMs, signal, probeTimeoutMs = 2_000, intervalMs = 25, maxIntervalMs = 250 } = options;
  const look = async (lookMs: number): Promise<HealthAnswer> => {
    if (!options.probe) return probeHealth(url, { timeoutMs: lookMs, isReady: options.isReady, signal });
    const healthy = await options.probe(url, lookMs);
    return { healthy, status: null, problem: healthy ? null : 'the health check failed' };
  };
  const deadline = Date.now() + timeoutMs;
  let pause = intervalMs;
  for (;;) {
    signal?.throwIfAborted();
    const answer = await look(Math.min(probeTimeoutMs, Math.max(100, deadline - Date.now())));
    signal?.throwIfAborted();
    const left = deadline - Date.now();
    if (answer.healthy || left <= 0) return answer;
    await sleep(Math.min(pause, left), undefined, { signal }).catch((error: unknown) => {
      signal?.throwIfAborted();
      throw error;
    });
    pause = Math.min(pause * 2, maxIntervalMs);
  }
}
