import type { ToolEffect } from '../tools/agent-tool.js';

/** Whether a tool call needed an approval, and what became of it. */
export type ApprovalState = 'not_needed' | 'approved' | 'denied' | 'pending';

/** What became of a tool call: run to the end, run and failed, or never run (denied, pending, stopped). */
export type CallStatus = 'done' | 'failed' | 'not_run';

/** Why a turn stopped before the model gave a final answer; each asks the user something. */
export type StopReason = 'max_steps' | 'repeated_call' | 'approval_pending' | 'invalid_tool_call';

/** One tool call as the user sees it: the line of `agent ask --json`'s `steps` and a row of the page. */
export interface StepRecord {
  toolCallId: string;
  tool: string;
  arguments: unknown;
  effect: ToolEffect | 'unknown';
  approval: ApprovalState;
  status: CallStatus;
  output: string | null;
}

/**
 * Events of one turn, in the order they happen. They are streamed as they happen (SSE on the HTTP API,
 * lines in the terminal) and are the only way the interfaces learn what the loop did.
 */
export type AgentEvent =
  | { type: 'turn-start'; sessionId: string; turnId: string }
  | { type: 'step-start'; step: number }
  | { type: 'text-delta'; text: string }
  | {
      type: 'tool-call';
      toolCallId: string;
      tool: string;
      arguments: unknown;
      effect: ToolEffect | 'unknown';
    }
  | {
      type: 'approval-request';
      approvalId: string;
      toolCallId: string;
      tool: string;
      arguments: unknown;
      effect: ToolEffect | 'unknown';
      /** Why it asks, for the user: "remove_book is destructive", "the turn has read untrusted text". */
      reason: string;
      expiresAt: string;
    }
  | { type: 'tool-result'; step: StepRecord }
  | {
      type: 'stop';
      reason: StopReason;
      /** The question put to the user, in the user's language ("Continue for 12 more steps?"). */
      question: string;
    }
  | {
      type: 'turn-end';
      sessionId: string;
      turnId: string;
      /** The model's final answer, or '' when the turn stopped to ask something. */
      answer: string;
      steps: StepRecord[];
      timing: TurnTiming;
      /** The web addresses the turn's web_search calls gave (the answer then says so); empty when none. */
      usedWeb?: string[];
    }
  | { type: 'error'; code: string; message: string };

/** Where a turn's time went, in milliseconds (the benchmark's split). */
export interface TurnTiming {
  modelMs: number;
  toolsMs: number;
  approvalsWaitingMs: number;
  totalMs: number;
}
