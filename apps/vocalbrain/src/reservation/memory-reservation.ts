// Asking the gateway for memory before a heavy job: `POST /admin/reserve {"gb"}` (CONTRACTS.md) evicts
// idle, unpinned workers until `gb` GiB are measured free and answers `satisfied`. It is one-shot —
// nothing stays held, so there is nothing to release afterwards — hence it is asked right before the
// job starts (and again when a restarted job resumes). Not satisfied, or no answer: the job waits and
// asks again with a growing delay, and fails with the last reason once the wait limit is reached.
import type { ReserveResponse } from '@klody/gateway-client';

/** The one call this needs; `GatewayClient` from @klody/gateway-client has it. */
export interface MemoryReserver {
  reserve(gb: number, options?: { signal?: AbortSignal }): Promise<ReserveResponse>;
}

export interface WaitForMemoryOptions {
  /** The gateway's client; null when VocalBrain runs without a gateway (`KLODY_GATEWAY_URL=none`). */
  reserver: MemoryReserver | null;
  gb: number;
  /** What needs it, for the reasons ("piper/en_US-lessac-high for job job_…"). */
  what: string;
  /** Give up after this many seconds of waiting. */
  limitSeconds: number;
  /** First delay between two asks, doubled each time up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Checked between asks: a cancelled job stops waiting. */
  isCancelled: () => boolean;
  /** Called each time the job has to wait, with the reason in words. */
  onWaiting: (reason: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type WaitForMemoryResult =
  | { outcome: 'satisfied'; freeGb: number; evicted: string[]; attempts: number }
  | { outcome: 'no_gateway'; reason: string }
  | { outcome: 'cancelled'; attempts: number }
  | { outcome: 'timed_out'; reason: string; attempts: number };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitForMemory(options: WaitForMemoryOptions): Promise<WaitForMemoryResult> {
  const { reserver, gb, what } = options;
  if (!reserver) {
    return {
      outcome: 'no_gateway',
      reason: `no gateway configured (KLODY_GATEWAY_URL=none): ${gb} GiB for ${what} were not reserved`,
    };
  }
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const started = now();
  let delay = options.initialDelayMs;
  let attempts = 0;
  for (;;) {
    if (options.isCancelled()) return { outcome: 'cancelled', attempts };
    attempts += 1;
    let reason: string;
    try {
      const answer = await reserver.reserve(gb);
      if (answer.satisfied) {
        return { outcome: 'satisfied', freeGb: answer.freeGb, evicted: answer.evicted, attempts };
      }
      reason =
        `the gateway could free only ${answer.freeGb} GiB of the ${gb} GiB ${what} needs` +
        (answer.evicted.length > 0 ? ` (after evicting ${answer.evicted.join(', ')})` : '');
    } catch (error) {
      reason = `the gateway did not reserve ${gb} GiB for ${what}: ${(error as Error).message}`;
    }
    const waitedSeconds = (now() - started) / 1000;
    if (waitedSeconds + delay / 1000 > options.limitSeconds) {
      return {
        outcome: 'timed_out',
        reason: `${reason}; gave up after ${attempts} tries in ${Math.round(waitedSeconds * 10) / 10} s (limit ${options.limitSeconds} s)`,
        attempts,
      };
    }
    options.onWaiting(`${reason}; asking again in ${Math.round(delay / 100) / 10} s`);
    await sleep(delay);
    delay = Math.min(options.maxDelayMs, delay * 2);
  }
}
