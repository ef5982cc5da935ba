import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForHttpOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Which status counts as ready; any 2xx by default. */
  isReady?: (status: number) => boolean;
}

/** Polls `url` until it answers a ready status, or throws after `timeoutMs` naming the last failure. */
export async function waitForHttp(url: string, options: WaitForHttpOptions = {}): Promise<Response> {
  const {
    timeoutMs = 15_000,
    intervalMs = 50,
    isReady = (status) => status >= 200 && status < 300,
  } = options;
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(Math.max(100, deadline - Date.now())),
      });
      if (isReady(response.status)) return response;
      lastProblem = `status ${response.status}`;
      await response.body?.cancel();
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await sleep(intervalMs);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms (${lastProblem})`);
}
