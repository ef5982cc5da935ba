import { type HealthAnswer, waitForHealthy } from '@klody/service/process';

export interface WaitForHttpOptions {
  timeoutMs?: number;
  /** The pause between two tries (steady: a test wants its server as soon as it answers). */
  intervalMs?: number;
  /** Which status counts as ready; any 2xx by default. */
  isReady?: (status: number) => boolean;
}

/**
 * Polls `url` until it answers a ready status, or throws after `timeoutMs` naming the last failure.
 * Resolves with the ready answer (`status`).
 */
export async function waitForHttp(url: string, options: WaitForHttpOptions = {}): Promise<HealthAnswer> {
  const { timeoutMs = 15_000, intervalMs = 50, isReady } = options;
  const answer = await waitForHealthy(url, {
    timeoutMs,
    intervalMs,
    maxIntervalMs: intervalMs,
    // One try may take all the time left: a first answer can be slow (a model loading).
    probeTimeoutMs: timeoutMs,
    isReady,
  });
  if (!answer.healthy) throw new Error(`${url} was not ready within ${timeoutMs} ms (${answer.problem})`);
  return answer;
}
