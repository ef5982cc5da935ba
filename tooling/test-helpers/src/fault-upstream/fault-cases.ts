// The table every app's fault-injection test runs over. An app tests itself "by the same table":
// for each case it sets the fault on a fault upstream, calls its own entry points, classifies what
// came back as one of the outcomes below, and checks that the outcome is accepted for that case and
// arrived within the app's configured time limit.

/** What a fault upstream does on a route. */
export type FaultKind =
  | 'ok'
  | 'html-200'
  | 'html-500'
  | 'wrong-shape-json'
  | 'broken-sse'
  | 'hang'
  | 'reset'
  | 'slow-trickle'
  | 'down';

/** How an event stream is broken: cut in the middle of an event, an invalid data line, or no `[DONE]`. */
export type BrokenStreamVariant = 'cut-mid-event' | 'invalid-data' | 'no-done';

/** When the socket is destroyed: before any response, or after the headers and a first event. */
export type ResetVariant = 'before-response' | 'mid-stream';

export type FaultSetting =
  | { kind: Exclude<FaultKind, 'broken-sse' | 'reset'> }
  | { kind: 'broken-sse'; variant?: BrokenStreamVariant }
  | { kind: 'reset'; variant?: ResetVariant };

/**
 * What a client of the upstream did, as its test sees it:
 * - `answer`: a normal answer, as with a healthy upstream;
 * - `fallback`: an answer produced without the upstream, and marked as such (never silently);
 * - `upstream_error`: a clear error naming the upstream (HTTP 502 or the app's equivalent);
 * - `upstream_timeout`: a clear time-out naming the upstream (HTTP 504 or the app's equivalent).
 * Anything else (an opaque 500, an empty success, a hang past the time limit) is a defect.
 */
export type FaultOutcome = 'answer' | 'fallback' | 'upstream_error' | 'upstream_timeout';

export interface FaultCase {
  /** Unique, for test titles. */
  name: string;
  fault: FaultSetting;
  description: string;
  /** The outcomes a well-behaved client may produce. */
  accepted: readonly FaultOutcome[];
  /** True when the upstream never finishes on its own: only the client's time limit ends the call. */
  needsTimeLimit: boolean;
}

const degraded: readonly FaultOutcome[] = ['fallback', 'upstream_error'];
const timedOut: readonly FaultOutcome[] = ['fallback', 'upstream_timeout'];

export const faultCases: readonly FaultCase[] = [
  {
    name: 'ok',
    fault: { kind: 'ok' },
    description: 'a plausible valid answer',
    accepted: ['answer'],
    needsTimeLimit: false,
  },
  {
    name: 'html-200',
    fault: { kind: 'html-200' },
    description: 'status 200 with an HTML page (a proxy or a web server in the way)',
    accepted: degraded,
    needsTimeLimit: false,
  },
  {
    name: 'html-500',
    fault: { kind: 'html-500' },
    description: 'status 500 with an HTML error page',
    accepted: degraded,
    needsTimeLimit: false,
  },
  {
    name: 'wrong-shape-json',
    fault: { kind: 'wrong-shape-json' },
    description: 'status 200 with JSON (or JSON events) of the wrong shape',
    accepted: degraded,
    needsTimeLimit: false,
  },
  {
    name: 'broken-sse (cut mid event)',
    fault: { kind: 'broken-sse', variant: 'cut-mid-event' },
    description: 'an event stream that ends in the middle of an event',
    accepted: degraded,
    needsTimeLimit: false,
  },
  {
    name: 'broken-sse (invalid data)',
    fault: { kind: 'broken-sse', variant: 'invalid-data' },
    description: 'an event stream whose data lines are not JSON',
    accepted: degraded,
    needsTimeLimit: false,
  },
  {
    name: 'broken-sse (no [DONE])',
    fault: { kind: 'broken-sse', variant: 'no-done' },
    description: 'an event stream that stops without [DONE] or a finish reason',
    accepted: degraded,
    needsTimeLimit: false,
  },
  {
    name: 'hang',
    fault: { kind: 'hang' },
    description: 'accepts the request and never answers',
    accepted: timedOut,
    needsTimeLimit: true,
  },
  {
    name: 'reset (before the response)',
    fault: { kind: 'reset', variant: 'before-response' },
    description: 'destroys the socket before answering',
    accepted: degraded,
    needsTimeLimit: false,
  },
  {
    name: 'reset (mid stream)',
    fault: { kind: 'reset', variant: 'mid-stream' },
    description: 'sends the headers and a first event, then destroys the socket',
    accepted: degraded,
    needsTimeLimit: false,
  },
  {
    name: 'slow-trickle',
    fault: { kind: 'slow-trickle' },
    description: 'sends the headers at once, then a valid body one byte at a time, very slowly',
    accepted: [...timedOut, 'upstream_error'],
    needsTimeLimit: true,
  },
  {
    name: 'down',
    fault: { kind: 'down' },
    description: 'nothing listens any more: connections are refused',
    accepted: degraded,
    needsTimeLimit: false,
  },
];
