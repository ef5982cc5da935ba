import type { StepRecord } from '../agent/agent-events.js';
import type { ToolEffect } from '../tools/agent-tool.js';

/** A session as the lists show it. Times are ISO 8601 strings, as the stores keep them. */
export interface SessionSummary {
  sessionId: string;
  /** The session's first user message, shortened: what a list shows. */
  title: string | null;
  createdAt: string;
  updatedAt: string;
  turns: number;
}

/** A message of the conversation as people read it (tool traffic is in `steps`). */
export interface ConversationMessage {
  role: 'user' | 'assistant';
  text: string;
  turnId: string | null;
}

/** An approval waiting for a decision (or decided), bound to one tool call of one session. */
export interface ApprovalView {
  approvalId: string;
  sessionId: string;
  turnId: string;
  toolCallId: string;
  tool: string;
  arguments: unknown;
  effect: ToolEffect | 'unknown';
  reason: string;
  state: 'pending' | 'approved' | 'denied' | 'expired' | 'used';
  createdAt: string;
  expiresAt: string;
}

/** One session whole: its conversation, every tool call and what waits for the user. */
export interface SessionDetail extends SessionSummary {
  messages: ConversationMessage[];
  steps: StepRecord[];
  pendingApprovals: ApprovalView[];
  /** The question of a turn stopped at max steps or on a repeated call, waiting for `resume`; else null. */
  pendingQuestion: { reason: 'max_steps' | 'repeated_call'; question: string } | null;
}

/** What the interfaces read and create beside the agent's turns: sessions and approvals. */
export interface AgentRecords {
  createSession(): string;
  listSessions(): SessionSummary[];
  /** Null when there is no such session. */
  sessionDetail(sessionId: string): SessionDetail | null;
  pendingApprovals(sessionId?: string): ApprovalView[];
  /** Null when there is no such approval. */
  approval(approvalId: string): ApprovalView | null;
}
