// The gateway's recent activity (`GET /admin/activity`): one row per relayed request, newest first,
// the same fields as its "relayed request" log line. Times in milliseconds, unknown values null.
// Nothing of a prompt or an answer is in it.
import { z } from 'zod';

const milliseconds = () => z.number().finite().nonnegative();
const tokens = () => z.number().int().nonnegative().nullable();

export const requestOutcomeSchema = z.enum(['completed', 'client_aborted', 'upstream_error', 'rejected']);
export type RequestOutcome = z.infer<typeof requestOutcomeSchema>;

export const activityRowSchema = z.object({
  /** The request's id (its `X-Request-Id` when the client sent a sane one). */
  requestId: z.string(),
  /** Unix time in milliseconds when the request reached the gateway. */
  at: z.number().finite(),
  /** The model as the client asked for it (an alias or a worker name). */
  model: z.string(),
  worker: z.string(),
  /** The relayed route, without `/v1/` (e.g. `chat/completions`). */
  route: z.string(),
  /** The HTTP status the client got; 499 when it left before the worker answered. */
  status: z.number().int(),
  outcome: requestOutcomeSchema,
  /** From arrival to holding a slot of the worker, a load included; null when it never got one. */
  queueWaitMs: milliseconds().nullable(),
  /** From arrival to the worker's first response byte; null when none came. */
  firstByteMs: milliseconds().nullable(),
  durationMs: milliseconds(),
  /** Prompt and generated tokens, when the worker reported its usage. */
  tokensIn: tokens(),
  tokensOut: tokens(),
  /** Generated tokens per second, when the worker reported them. */
  tokensPerSecond: z.number().finite().nonnegative().nullable(),
});
export type ActivityRow = z.infer<typeof activityRowSchema>;

export const activityResponseSchema = z.object({
  /** The last requests, newest first (the gateway keeps a bounded number). */
  requests: z.array(activityRowSchema),
});
export type ActivityResponse = z.infer<typeof activityResponseSchema>;
