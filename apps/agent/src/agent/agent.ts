import type { AgentEvent } from './agent-events.js';

/** A decision about a pending approval. */
export type ApprovalDecision = 'approve' | 'deny';

/**
 * The agent as its interfaces (terminal, HTTP, MCP, voice) see it. A turn never blocks on a human: a
 * call that needs an approval ends the turn's stream with an `approval-request` and a `stop`
 * (`approval_pending`); `decide` records the decision and continues the same turn as a new stream.
 * The pending state lives in SQLite, so a decision still applies after a restart.
 *
 * Every stream that works on a turn starts with `turn-start` and ends with `turn-end` (after an `error`
 * event too, e.g. `model_failed`), except an aborted one, which ends with `error` `aborted`. A request
 * refused before any turn work (empty message, unknown session, `session_busy`, an approval that is not
 * found or no longer waits) is a stream of one `error` event.
 */
export interface Agent {
  /** Sends a user message; creates the session when `sessionId` is omitted. */
  send(input: { sessionId?: string; message: string; signal?: AbortSignal }): AsyncIterable<AgentEvent>;
  /**
   * Decides one pending approval and, when no other approval of the turn is pending, continues the turn.
   * An expired, already used or unknown approval is refused with an `error` event and never runs.
   */
  decide(input: {
    sessionId: string;
    approvalId: string;
    decision: ApprovalDecision;
    signal?: AbortSignal;
  }): AsyncIterable<AgentEvent>;
  /**
   * Answers a `max_steps`, `repeated_call` or `invalid_tool_call` stop: `true` goes on with a fresh step
   * budget, `false` ends the turn. On a turn waiting for approvals, `true` re-reads them (decided by
   * another process, expired, used) and goes on if none still waits; `false` ends the turn and denies
   * them. On a turn left `running` by a crash, `true` goes on (a call that was running is never rerun).
   */
  resume(input: { sessionId: string; goOn: boolean; signal?: AbortSignal }): AsyncIterable<AgentEvent>;
  /**
   * Ends a turn the user spoke over (its stream aborted first): `played` — what the user actually
   * heard — becomes the answer kept in the history and in memory, not what the model wrote; calls that
   * waited are not run. Refused (`session_busy`) while a stream of the session still runs.
   */
  interrupt(input: { sessionId: string; turnId: string; played: string }): Promise<void>;
  close(): Promise<void>;
}
