import type { AgentEvent } from './agent-events.js';

/** A decision about a pending approval. */
export type ApprovalDecision = 'approve' | 'deny';

/**
 * The agent as its interfaces (terminal, HTTP, MCP, voice) see it. A turn never blocks on a human: a
 * call that needs an approval ends the turn's stream with an `approval-request` and a `stop`
 * (`approval_pending`); `decide` records the decision and continues the same turn as a new stream.
 * The pending state lives in SQLite, so a decision still applies after a restart.
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
  /** Answers a `max_steps` or `repeated_call` stop: `true` goes on with a fresh step budget, `false` ends the turn. */
  resume(input: { sessionId: string; goOn: boolean; signal?: AbortSignal }): AsyncIterable<AgentEvent>;
  close(): Promise<void>;
}
