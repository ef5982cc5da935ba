// A scripted stand-in for the agent, for the unit tests of the interfaces only (HTTP routes, the
// terminal's rendering): each call plays the next scripted list of events. The end-to-end tests run
// the real agent against a scripted OpenAI-compatible server instead.

import type { Agent, ApprovalDecision } from '../src/agent/agent.js';
import type { AgentEvent, StepRecord } from '../src/agent/agent-events.js';
import type { AgentRecords, ApprovalView, SessionDetail } from '../src/http/agent-records.js';

/** One scripted answer: its events, played in order; `waitForAbort` then holds until the signal fires. */
export interface FakeTurn {
  events: AgentEvent[];
  /** Wait for the caller's signal after the events (a model that never answers). */
  waitForAbort?: boolean;
}

export type FakeCall =
  | { method: 'send'; sessionId: string; message: string; signal: AbortSignal | undefined }
  | {
      method: 'decide';
      sessionId: string;
      approvalId: string;
      decision: ApprovalDecision;
      signal: AbortSignal | undefined;
    }
  | { method: 'resume'; sessionId: string; goOn: boolean; signal: AbortSignal | undefined }
  | { method: 'interrupt'; sessionId: string; turnId: string; played: string };

export interface FakeAgent {
  agent: Agent;
  records: AgentRecords;
  /** Scripted turns, taken in order by send, decide and resume alike. */
  turns: FakeTurn[];
  calls: FakeCall[];
  /** Makes an approval unusable, as the real store does once it expires. */
  expire(approvalId: string): void;
  closed: boolean;
}

const at = '2026-11-30T23:00:00.000Z';

export function createFakeAgent(turns: FakeTurn[] = []): FakeAgent {
  const sessions = new Map<string, SessionDetail>();
  const approvals = new Map<string, ApprovalView>();
  let createdCount = 0;

  const createSession = (): string => {
    createdCount++;
    const sessionId = `session-${createdCount}`;
    sessions.set(sessionId, {
      sessionId,
      title: null,
      createdAt: at,
      updatedAt: at,
      turns: 0,
      messages: [],
      steps: [],
      pendingApprovals: [],
      pendingQuestion: null,
    });
    return sessionId;
  };

  async function* play(sessionId: string, signal: AbortSignal | undefined): AsyncIterable<AgentEvent> {
    const turn = fake.turns.shift();
    if (!turn) throw new Error('fake-agent: no scripted turn left');
    const session = sessions.get(sessionId);
    for (const event of turn.events) {
      if (event.type === 'approval-request') {
        approvals.set(event.approvalId, {
          approvalId: event.approvalId,
          sessionId,
          turnId: 'turn-1',
          toolCallId: event.toolCallId,
          tool: event.tool,
          arguments: event.arguments,
          effect: event.effect,
          reason: event.reason,
          state: 'pending',
          createdAt: at,
          expiresAt: event.expiresAt,
        });
      }
      if (event.type === 'tool-result' && session) upsertStep(session.steps, event.step);
      if (event.type === 'turn-end' && session) {
        if (event.answer)
          session.messages.push({ role: 'assistant', text: event.answer, turnId: event.turnId });
        session.turns++;
      }
      // A real loop yields between events: let the consumer write each one as it comes.
      await new Promise((resolve) => setImmediate(resolve));
      yield event;
    }
    if (turn.waitForAbort) {
      await new Promise<void>((resolve) => {
        if (signal?.aborted) resolve();
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  const agent: Agent = {
    send({ sessionId, message, signal }) {
      const id = sessionId ?? createSession();
      fake.calls.push({ method: 'send', sessionId: id, message, signal });
      sessions.get(id)?.messages.push({ role: 'user', text: message, turnId: null });
      return play(id, signal);
    },
    decide({ sessionId, approvalId, decision, signal }) {
      fake.calls.push({ method: 'decide', sessionId, approvalId, decision, signal });
      const approval = approvals.get(approvalId);
      if (approval?.state !== 'pending') {
        const code = !approval
          ? 'approval_not_found'
          : approval.state === 'expired'
            ? 'approval_expired'
            : 'approval_already_decided';
        return (async function* () {
          yield { type: 'error', code, message: `approval ${approvalId}: ${code}` } satisfies AgentEvent;
        })();
      }
      approval.state = decision === 'approve' ? 'approved' : 'denied';
      return play(sessionId, signal);
    },
    resume({ sessionId, goOn, signal }) {
      fake.calls.push({ method: 'resume', sessionId, goOn, signal });
      return play(sessionId, signal);
    },
    async interrupt({ sessionId, turnId, played }) {
      fake.calls.push({ method: 'interrupt', sessionId, turnId, played });
    },
    async close() {
      fake.closed = true;
    },
  };

  const pending = (sessionId?: string) =>
    [...approvals.values()].filter(
      (approval) =>
        approval.state === 'pending' && (sessionId === undefined || approval.sessionId === sessionId),
    );

  const records: AgentRecords = {
    createSession,
    listSessions: () =>
      [...sessions.values()].map(({ sessionId, title, createdAt, updatedAt, turns: count }) => ({
        sessionId,
        title,
        createdAt,
        updatedAt,
        turns: count,
      })),
    sessionDetail: (sessionId) => {
      const session = sessions.get(sessionId);
      return session ? { ...session, pendingApprovals: pending(sessionId) } : null;
    },
    pendingApprovals: pending,
    approval: (approvalId) => approvals.get(approvalId) ?? null,
  };

  const fake: FakeAgent = {
    agent,
    records,
    turns,
    calls: [],
    closed: false,
    expire(approvalId) {
      const approval = approvals.get(approvalId);
      if (approval) approval.state = 'expired';
    },
  };
  return fake;
}

function upsertStep(steps: StepRecord[], step: StepRecord): void {
  const index = steps.findIndex((existing) => existing.toolCallId === step.toolCallId);
  if (index === -1) steps.push(step);
  else steps[index] = step;
}

/** A scripted answer: text in pieces, then the turn's end. */
export function answerTurn(sessionId: string, pieces: string[], steps: StepRecord[] = []): FakeTurn {
  const timing = { modelMs: 1, toolsMs: 0, approvalsWaitingMs: 0, totalMs: 1 };
  return {
    events: [
      { type: 'turn-start', sessionId, turnId: 'turn-1' },
      { type: 'step-start', step: 1 },
      ...pieces.map((text) => ({ type: 'text-delta' as const, text })),
      { type: 'turn-end', sessionId, turnId: 'turn-1', answer: pieces.join(''), steps, timing },
    ],
  };
}
