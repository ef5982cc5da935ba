import { randomUUID } from 'node:crypto';
import type { ApprovalRecord, ApprovalStore } from '../approvals/approval-store.js';
import { stopQuestions } from '../loop/stop-questions.js';
import type { AgentStore } from '../store/agent-store.js';
import type { AgentRecords, ApprovalView, SessionDetail } from './agent-records.js';

const iso = (milliseconds: number) => new Date(milliseconds).toISOString();

function approvalView(record: ApprovalRecord): ApprovalView {
  return {
    approvalId: record.id,
    sessionId: record.sessionId,
    turnId: record.turnId,
    toolCallId: record.toolCallId,
    tool: record.tool,
    arguments: record.arguments,
    effect: record.effect,
    reason: record.reason,
    state: record.state,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
  };
}

/**
 * The interfaces' view of the agent's stores: sessions as lists and pages show them (ISO times, the
 * conversation as the user's messages and the agent's answers), approvals by id.
 */
export function createStoreRecords(options: {
  store: AgentStore;
  approvals: ApprovalStore;
  /** The step budget, named in the max-steps question. */
  maxSteps: number;
  now?: () => number;
}): AgentRecords {
  const { store, approvals, maxSteps } = options;
  const now = options.now ?? Date.now;

  function pendingQuestion(sessionId: string): SessionDetail['pendingQuestion'] {
    const turn = store.latestTurn(sessionId);
    if (turn?.state !== 'waiting_continue') return null;
    if (turn.stopReason === 'max_steps')
      return { reason: 'max_steps', question: stopQuestions.maxSteps(turn.language, maxSteps) };
    if (turn.stopReason === 'repeated_call') {
      const repeated = store
        .toolCalls(turn.id)
        .filter((call) => call.note === 'repeated')
        .at(-1);
      return {
        reason: 'repeated_call',
        question: stopQuestions.repeatedCall(turn.language, repeated?.tool ?? 'a tool'),
      };
    }
    return null;
  }

  /** A session created empty (POST /api/sessions) has no title of its own: its first message names it. */
  function firstMessage(sessionId: string): string | null {
    const message = store.sessionDetail(sessionId)?.turns[0]?.userMessage;
    if (!message) return null;
    return message.length > 80 ? `${message.slice(0, 79)}…` : message;
  }

  return {
    createSession() {
      const at = now();
      const sessionId = `session_${randomUUID()}`;
      store.createSession({
        id: sessionId,
        title: '',
        systemContext: '',
        recalledFacts: 0,
        createdAt: at,
        updatedAt: at,
      });
      return sessionId;
    },
    listSessions() {
      return store.listSessions().map((session) => ({
        sessionId: session.id,
        title: session.title || firstMessage(session.id),
        createdAt: iso(session.createdAt),
        updatedAt: iso(session.updatedAt),
        turns: session.turns,
      }));
    },
    sessionDetail(sessionId) {
      const detail = store.sessionDetail(sessionId);
      if (!detail) return null;
      const { session, turns } = detail;
      return {
        sessionId: session.id,
        title: session.title || firstMessage(session.id),
        createdAt: iso(session.createdAt),
        updatedAt: iso(session.updatedAt),
        turns: turns.length,
        messages: turns.flatMap((turn) => [
          { role: 'user' as const, text: turn.userMessage, turnId: turn.id },
          ...(turn.answer ? [{ role: 'assistant' as const, text: turn.answer, turnId: turn.id }] : []),
        ]),
        steps: detail.steps,
        pendingApprovals: approvals.pending(sessionId).map(approvalView),
        pendingQuestion: pendingQuestion(sessionId),
      };
    },
    pendingApprovals: (sessionId) => approvals.pending(sessionId).map(approvalView),
    approval(approvalId) {
      const record = approvals.get(approvalId);
      return record ? approvalView(record) : null;
    },
  };
}
