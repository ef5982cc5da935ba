// What the gateway keeps of one relayed request once it ended: its row in the activity ring, its one
// "relayed request" log line (info), its request metrics and its tokens. Only timings, names, status
// and token counts: nothing of the prompt or the answer.
import type { ActivityRow } from '@klody/gateway-client/schemas';
import type { Logger } from '../workers/index.js';
import type { GatewayMetrics, RequestOutcome } from './gateway-metrics.js';
import type { RequestActivity } from './request-activity.js';
import type { TokenMetrics } from './token-metrics.js';
import { type ObservedUsage, UsageObserver } from './usage-observer.js';

/** Where a finished request goes; one set per gateway app. */
export interface RequestRecordSinks {
  metrics: GatewayMetrics;
  tokens: TokenMetrics;
  activity: RequestActivity;
  logger?: Logger | undefined;
}

export interface RequestRecordStart {
  requestId: string;
  /** The model as the client asked for it. */
  model: string;
  worker: string;
  route: string;
  /** `performance.now()` when the request arrived. */
  started: number;
}

const tenths = (milliseconds: number) => Math.round(milliseconds * 10) / 10;

export class RequestRecord {
  /** Fed the answer's chunks by the relay, to find the tokens the worker reports. */
  readonly usage = new UsageObserver();
  private readonly at = Date.now();
  private slotAt: number | null = null;
  private finished = false;

  constructor(
    private readonly sinks: RequestRecordSinks,
    private readonly start: RequestRecordStart,
  ) {}

  /** The request holds a slot of its worker (any load and queue wait are over). */
  slotHeld(): void {
    this.slotAt ??= performance.now();
  }

  /** Records the request once, however it ended; `firstByteAt` is `performance.now()` of the first byte. */
  finish(outcome: RequestOutcome, status: number, firstByteAt: number | null): void {
    if (this.finished) return;
    this.finished = true;
    const end = performance.now();
    const { started, worker } = this.start;
    this.sinks.metrics.observe(
      worker,
      status,
      outcome,
      (end - started) / 1000,
      firstByteAt === null ? null : (firstByteAt - started) / 1000,
    );
    const usage = this.usage.usage();
    const tokensPerSecond =
      outcome === 'completed' ? generationSpeed(usage, { slotAt: this.slotAt, firstByteAt, end }) : null;
    const row: ActivityRow = {
      requestId: this.start.requestId,
      at: this.at,
      model: this.start.model,
      worker,
      route: this.start.route,
      status,
      outcome,
      queueWaitMs: this.slotAt === null ? null : tenths(this.slotAt - started),
      firstByteMs: firstByteAt === null ? null : tenths(firstByteAt - started),
      durationMs: tenths(end - started),
      tokensIn: usage.tokensIn,
      tokensOut: usage.tokensOut,
      tokensPerSecond,
    };
    this.sinks.tokens.observe(worker, usage.tokensIn, usage.tokensOut, tokensPerSecond);
    this.sinks.activity.add(row);
    const { at: _at, ...fields } = row;
    this.sinks.logger?.info('relayed request', fields);
  }
}

/**
 * Generated tokens per second: over the worker's own generation time when it reports it
 * (llama-server's `timings`); for a stream, over the time from its first byte to its end; for an
 * answer sent in one piece, over the time the worker held the slot (prompt reading included, so a
 * lower bound). Null without a token count or a time to divide by.
 */
function generationSpeed(
  usage: ObservedUsage,
  times: { slotAt: number | null; firstByteAt: number | null; end: number },
): number | null {
  if (usage.tokensOut === null || usage.tokensOut === 0) return null;
  let milliseconds: number | null = usage.generationMs;
  if (milliseconds === null && usage.format === 'stream' && times.firstByteAt !== null)
    milliseconds = times.end - times.firstByteAt;
  if (milliseconds === null && times.slotAt !== null) milliseconds = times.end - times.slotAt;
  if (milliseconds === null || milliseconds <= 0) return null;
  return Math.round((usage.tokensOut / (milliseconds / 1000)) * 10) / 10;
}
