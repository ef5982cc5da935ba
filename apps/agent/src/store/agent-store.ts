import type { ModelMessage, ToolResultPart } from 'ai';
import type Database from 'better-sqlite3';
import type { ApprovalState, StepRecord, StopReason } from '../agent/agent-events.js';
import type { ToolEffect } from '../tools/agent-tool.js';
import { createAgentSchema } from './agent-schema.js';

export type TurnState = 'running' | 'waiting_approval' | 'waiting_continue' | 'done';

/** A turn ends with a stop reason, `answered`, `ended` (the user said not to go on) or `error`. */
export type TurnEnd = StopReason | 'answered' | 'ended' | 'interrupted' | 'error';

/**
 * A stored tool call's progress. `waiting`: recorded, not settled yet (its approval is pending, or it
 * is approved and about to run); `running`: started (a crash leaves it so, and it is never run again).
 */
export type StoredCallStatus = 'waiting' | 'running' | 'done' | 'failed' | 'not_run';

export interface SessionRecord {
  id: string;
  title: string;
  /** Recalled facts about the user put into the session's system context ('' when none). */
  systemContext: string;
  recalledFacts: number;
  createdAt: number;
  updatedAt: number;
}

export interface TurnRecord {
  id: string;
  sessionId: string;
  position: number;
  userMessage: string;
  language: 'fr' | 'en';
  state: TurnState;
  stepsUsed: number;
  /** `stepsUsed` when the current step budget began (a `resume` gives a fresh budget). */
  budgetStart: number;
  untrustedSeen: boolean;
  stopReason: TurnEnd | null;
  answer: string;
  modelMs: number;
  toolsMs: number;
  approvalsWaitingMs: number;
  /** Wall time of the turn's streams (what the user waited for the agent, not for themselves). */
  activeMs: number;
  startedAt: number;
  endedAt: number | null;
}

export interface ToolCallRecord {
  sessionId: string;
  turnId: string;
  step: number;
  position: number;
  toolCallId: string;
  tool: string;
  arguments: unknown;
  argumentsHash: string | null;
  effect: ToolEffect | 'unknown';
  approval: ApprovalState;
  approvalId: string | null;
  approvalReason: string | null;
  approvalExpiresAt: number | null;
  status: StoredCallStatus;
  /** Why a call failed or did not run: invalid, reask, unknown_tool, repeated, denied, expired, … */
  note: string | null;
  /** What the user sees (the tool's text, the error, the reason it did not run). */
  output: string | null;
  /** What the model is told, as an AI SDK tool result output. */
  modelOutput: ToolResultPart['output'] | null;
  repaired: boolean;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
}

export interface SessionSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  turns: number;
  lastTurnState: TurnState | null;
}

export interface PendingApprovalView {
  approvalId: string;
  turnId: string;
  toolCallId: string;
  tool: string;
  arguments: unknown;
  effect: ToolEffect | 'unknown';
  reason: string;
  expiresAt: string | null;
}

export interface SessionDetail {
  session: SessionRecord;
  turns: TurnRecord[];
  messages: ModelMessage[];
  steps: Array<StepRecord & { turnId: string; step: number }>;
  pendingApprovals: PendingApprovalView[];
}

/** What semantic memory's backfill reads: one answered turn. */
export interface TurnSummary {
  sessionId: string;
  turnId: string;
  userMessage: string;
  answer: string;
  /** When the turn ended (ms since the epoch). */
  at: number;
}

export interface AgentStore {
  transaction<T>(work: () => T): T;
  createSession(session: SessionRecord): void;
  getSession(id: string): SessionRecord | null;
  /** The facts recalled for a session created empty (over HTTP), set before its first turn. */
  setSessionContext(id: string, context: { systemContext: string; recalledFacts: number }): void;
  createTurn(
    turn: Pick<TurnRecord, 'id' | 'sessionId' | 'userMessage' | 'language' | 'untrustedSeen' | 'startedAt'>,
  ): TurnRecord;
  getTurn(id: string): TurnRecord | null;
  latestTurn(sessionId: string): TurnRecord | null;
  updateTurn(id: string, patch: Partial<Omit<TurnRecord, 'id' | 'sessionId' | 'position'>>): TurnRecord;
  addMessage(input: { sessionId: string; turnId: string; message: ModelMessage; at: number }): void;
  messages(sessionId: string): ModelMessage[];
  lastMessage(sessionId: string): ModelMessage | null;
  /**
   * Replaces the text of a turn's last assistant message (an answer the user spoke over keeps only
   * what was played); false when the turn has none.
   */
  replaceAnswer(turnId: string, answer: string): boolean;
  addToolCall(call: ToolCallRecord): void;
  updateToolCall(
    key: { turnId: string; step: number; position: number },
    patch: Partial<Omit<ToolCallRecord, 'sessionId' | 'turnId' | 'step' | 'position'>>,
  ): ToolCallRecord;
  toolCalls(turnId: string, step?: number): ToolCallRecord[];
  toolCallByApproval(approvalId: string): ToolCallRecord | null;
  /** Whether a tool call id was already used in the session (small models reuse `call_0`). */
  toolCallIdUsed(sessionId: string, toolCallId: string): boolean;
  listSessions(): SessionSummary[];
  sessionDetail(id: string): SessionDetail | null;
  turnSummaries(): TurnSummary[];
}

interface SessionRow {
  id: string;
  title: string;
  system_context: string;
  recalled_facts: number;
  created_at: number;
  updated_at: number;
}

interface TurnRow {
  id: string;
  session_id: string;
  position: number;
  user_message: string;
  language: 'fr' | 'en';
  state: TurnState;
  steps_used: number;
  budget_start: number;
  untrusted_seen: number;
  stop_reason: TurnEnd | null;
  answer: string;
  model_ms: number;
  tools_ms: number;
  approvals_waiting_ms: number;
  active_ms: number;
  started_at: number;
  ended_at: number | null;
}

interface ToolCallRow {
  session_id: string;
  turn_id: string;
  step: number;
  position: number;
  tool_call_id: string;
  tool: string;
  arguments: string;
  arguments_hash: string | null;
  effect: ToolEffect | 'unknown';
  approval: ApprovalState;
  approval_id: string | null;
  approval_reason: string | null;
  approval_expires_at: number | null;
  status: StoredCallStatus;
  note: string | null;
  output: string | null;
  model_output: string | null;
  repaired: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
}

const toSession = (row: SessionRow): SessionRecord => ({
  id: row.id,
  title: row.title,
  systemContext: row.system_context,
  recalledFacts: row.recalled_facts,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toTurn = (row: TurnRow): TurnRecord => ({
  id: row.id,
  sessionId: row.session_id,
  position: row.position,
  userMessage: row.user_message,
  language: row.language,
  state: row.state,
  stepsUsed: row.steps_used,
  budgetStart: row.budget_start,
  untrustedSeen: row.untrusted_seen === 1,
  stopReason: row.stop_reason,
  answer: row.answer,
  modelMs: row.model_ms,
  toolsMs: row.tools_ms,
  approvalsWaitingMs: row.approvals_waiting_ms,
  activeMs: row.active_ms,
  startedAt: row.started_at,
  endedAt: row.ended_at,
});

const toToolCall = (row: ToolCallRow): ToolCallRecord => ({
  sessionId: row.session_id,
  turnId: row.turn_id,
  step: row.step,
  position: row.position,
  toolCallId: row.tool_call_id,
  tool: row.tool,
  arguments: JSON.parse(row.arguments) as unknown,
  argumentsHash: row.arguments_hash,
  effect: row.effect,
  approval: row.approval,
  approvalId: row.approval_id,
  approvalReason: row.approval_reason,
  approvalExpiresAt: row.approval_expires_at,
  status: row.status,
  note: row.note,
  output: row.output,
  modelOutput: row.model_output === null ? null : (JSON.parse(row.model_output) as ToolResultPart['output']),
  repaired: row.repaired === 1,
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  durationMs: row.duration_ms,
});

const turnColumns: Record<keyof Omit<TurnRecord, 'id' | 'sessionId' | 'position'>, string> = {
  userMessage: 'user_message',
  language: 'language',
  state: 'state',
  stepsUsed: 'steps_used',
  budgetStart: 'budget_start',
  untrustedSeen: 'untrusted_seen',
  stopReason: 'stop_reason',
  answer: 'answer',
  modelMs: 'model_ms',
  toolsMs: 'tools_ms',
  approvalsWaitingMs: 'approvals_waiting_ms',
  activeMs: 'active_ms',
  startedAt: 'started_at',
  endedAt: 'ended_at',
};

const toolCallColumns: Record<
  keyof Omit<ToolCallRecord, 'sessionId' | 'turnId' | 'step' | 'position'>,
  string
> = {
  toolCallId: 'tool_call_id',
  tool: 'tool',
  arguments: 'arguments',
  argumentsHash: 'arguments_hash',
  effect: 'effect',
  approval: 'approval',
  approvalId: 'approval_id',
  approvalReason: 'approval_reason',
  approvalExpiresAt: 'approval_expires_at',
  status: 'status',
  note: 'note',
  output: 'output',
  modelOutput: 'model_output',
  repaired: 'repaired',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  durationMs: 'duration_ms',
};

/** SQLite has no booleans and stores JSON as text: the one place values are converted for a column. */
function toColumnValue(key: string, value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (key === 'arguments') return JSON.stringify(value ?? null);
  if (key === 'modelOutput') return value === null || value === undefined ? null : JSON.stringify(value);
  return value ?? null;
}

/** A tool call as the user sees it; `waiting` and `running` are internal and read as not run. */
export function toStepRecord(call: ToolCallRecord): StepRecord {
  return {
    toolCallId: call.toolCallId,
    tool: call.tool,
    arguments: call.arguments,
    effect: call.effect,
    approval: call.approval,
    status: call.status === 'waiting' || call.status === 'running' ? 'not_run' : call.status,
    output: call.output,
  };
}

/** The loop's tables over one connection; every multi-row write goes through `transaction`. */
export function createAgentStore(connection: Database.Database): AgentStore {
  createAgentSchema(connection);

  const statements = {
    updateSessionContext: connection.prepare(
      'UPDATE agent_sessions SET system_context = ?, recalled_facts = ? WHERE id = ?',
    ),
    insertSession: connection.prepare(
      `INSERT INTO agent_sessions (id, title, system_context, recalled_facts, created_at, updated_at)
       VALUES (@id, @title, @systemContext, @recalledFacts, @createdAt, @updatedAt)`,
    ),
    session: connection.prepare('SELECT * FROM agent_sessions WHERE id = ?'),
    touchSession: connection.prepare('UPDATE agent_sessions SET updated_at = ? WHERE id = ?'),
    nextPosition: connection.prepare(
      'SELECT COALESCE(MAX(position), 0) + 1 AS next FROM agent_turns WHERE session_id = ?',
    ),
    insertTurn: connection.prepare(
      `INSERT INTO agent_turns (id, session_id, position, user_message, language, state, untrusted_seen, started_at)
       VALUES (?, ?, ?, ?, ?, 'running', ?, ?)`,
    ),
    turn: connection.prepare('SELECT * FROM agent_turns WHERE id = ?'),
    latestTurn: connection.prepare(
      'SELECT * FROM agent_turns WHERE session_id = ? ORDER BY position DESC LIMIT 1',
    ),
    turnsOfSession: connection.prepare('SELECT * FROM agent_turns WHERE session_id = ? ORDER BY position'),
    insertMessage: connection.prepare(
      'INSERT INTO agent_messages (session_id, turn_id, role, content, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    messages: connection.prepare('SELECT content FROM agent_messages WHERE session_id = ? ORDER BY id'),
    lastMessage: connection.prepare(
      'SELECT content FROM agent_messages WHERE session_id = ? ORDER BY id DESC LIMIT 1',
    ),
    replaceAnswer: connection.prepare(
      `UPDATE agent_messages SET content = ? WHERE id = (
         SELECT MAX(id) FROM agent_messages WHERE turn_id = ? AND role = 'assistant')`,
    ),
    insertToolCall: connection.prepare(
      `INSERT INTO agent_tool_calls (session_id, turn_id, step, position, tool_call_id, tool, arguments,
         arguments_hash, effect, approval, approval_id, approval_reason, approval_expires_at, status, note,
         output, model_output, repaired, created_at, started_at, finished_at, duration_ms)
       VALUES (@sessionId, @turnId, @step, @position, @toolCallId, @tool, @arguments, @argumentsHash, @effect,
         @approval, @approvalId, @approvalReason, @approvalExpiresAt, @status, @note, @output, @modelOutput,
         @repaired, @createdAt, @startedAt, @finishedAt, @durationMs)`,
    ),
    toolCall: connection.prepare(
      'SELECT * FROM agent_tool_calls WHERE turn_id = ? AND step = ? AND position = ?',
    ),
    toolCallsOfTurn: connection.prepare(
      'SELECT * FROM agent_tool_calls WHERE turn_id = ? ORDER BY step, position',
    ),
    toolCallsOfStep: connection.prepare(
      'SELECT * FROM agent_tool_calls WHERE turn_id = ? AND step = ? ORDER BY position',
    ),
    toolCallsOfSession: connection.prepare(
      `SELECT c.* FROM agent_tool_calls c JOIN agent_turns t ON t.id = c.turn_id
       WHERE c.session_id = ? ORDER BY t.position, c.step, c.position`,
    ),
    toolCallByApproval: connection.prepare('SELECT * FROM agent_tool_calls WHERE approval_id = ?'),
    toolCallIdUsed: connection.prepare(
      'SELECT 1 FROM agent_tool_calls WHERE session_id = ? AND tool_call_id = ? LIMIT 1',
    ),
    sessions: connection.prepare(
      `SELECT s.*, (SELECT COUNT(*) FROM agent_turns t WHERE t.session_id = s.id) AS turns,
         (SELECT state FROM agent_turns t WHERE t.session_id = s.id ORDER BY position DESC LIMIT 1) AS last_state
       FROM agent_sessions s ORDER BY s.updated_at DESC, s.id`,
    ),
    answeredTurns: connection.prepare(
      `SELECT id, session_id, user_message, answer, ended_at FROM agent_turns
       WHERE state = 'done' AND answer <> '' AND ended_at IS NOT NULL ORDER BY started_at, id`,
    ),
  };

  const getTurn = (id: string) => {
    const row = statements.turn.get(id) as TurnRow | undefined;
    return row ? toTurn(row) : null;
  };
  const getToolCall = (turnId: string, step: number, position: number) => {
    const row = statements.toolCall.get(turnId, step, position) as ToolCallRow | undefined;
    return row ? toToolCall(row) : null;
  };

  const store: AgentStore = {
    transaction: (work) => connection.transaction(work)(),
    createSession(session) {
      statements.insertSession.run(session);
    },
    getSession(id) {
      const row = statements.session.get(id) as SessionRow | undefined;
      return row ? toSession(row) : null;
    },
    setSessionContext(id, sessionContext) {
      statements.updateSessionContext.run(sessionContext.systemContext, sessionContext.recalledFacts, id);
    },
    createTurn(turn) {
      return store.transaction(() => {
        const { next } = statements.nextPosition.get(turn.sessionId) as { next: number };
        statements.insertTurn.run(
          turn.id,
          turn.sessionId,
          next,
          turn.userMessage,
          turn.language,
          turn.untrustedSeen ? 1 : 0,
          turn.startedAt,
        );
        statements.touchSession.run(turn.startedAt, turn.sessionId);
        return getTurn(turn.id) as TurnRecord;
      });
    },
    getTurn,
    latestTurn(sessionId) {
      const row = statements.latestTurn.get(sessionId) as TurnRow | undefined;
      return row ? toTurn(row) : null;
    },
    updateTurn(id, patch) {
      const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
      if (entries.length > 0) {
        const assignments = entries.map(([key]) => `${turnColumns[key as keyof typeof turnColumns]} = ?`);
        connection
          .prepare(`UPDATE agent_turns SET ${assignments.join(', ')} WHERE id = ?`)
          .run(...entries.map(([key, value]) => toColumnValue(key, value)), id);
      }
      const turn = getTurn(id);
      if (!turn) throw new Error(`no turn ${id}`);
      return turn;
    },
    addMessage({ sessionId, turnId, message, at }) {
      statements.insertMessage.run(sessionId, turnId, message.role, JSON.stringify(message), at);
      statements.touchSession.run(at, sessionId);
    },
    messages(sessionId) {
      return (statements.messages.all(sessionId) as Array<{ content: string }>).map(
        (row) => JSON.parse(row.content) as ModelMessage,
      );
    },
    replaceAnswer(turnId, answer) {
      const message: ModelMessage = { role: 'assistant', content: answer };
      return statements.replaceAnswer.run(JSON.stringify(message), turnId).changes > 0;
    },
    lastMessage(sessionId) {
      const row = statements.lastMessage.get(sessionId) as { content: string } | undefined;
      return row ? (JSON.parse(row.content) as ModelMessage) : null;
    },
    addToolCall(call) {
      const values: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(call)) values[key] = toColumnValue(key, value);
      statements.insertToolCall.run(values);
    },
    updateToolCall(key, patch) {
      const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
      if (entries.length > 0) {
        const assignments = entries.map(
          ([name]) => `${toolCallColumns[name as keyof typeof toolCallColumns]} = ?`,
        );
        connection
          .prepare(
            `UPDATE agent_tool_calls SET ${assignments.join(', ')} WHERE turn_id = ? AND step = ? AND position = ?`,
          )
          .run(
            ...entries.map(([name, value]) => toColumnValue(name, value)),
            key.turnId,
            key.step,
            key.position,
          );
      }
      const call = getToolCall(key.turnId, key.step, key.position);
      if (!call) throw new Error(`no tool call ${key.turnId}/${key.step}/${key.position}`);
      return call;
    },
    toolCalls(turnId, step) {
      const rows =
        step === undefined
          ? (statements.toolCallsOfTurn.all(turnId) as ToolCallRow[])
          : (statements.toolCallsOfStep.all(turnId, step) as ToolCallRow[]);
      return rows.map(toToolCall);
    },
    toolCallByApproval(approvalId) {
      const row = statements.toolCallByApproval.get(approvalId) as ToolCallRow | undefined;
      return row ? toToolCall(row) : null;
    },
    toolCallIdUsed(sessionId, toolCallId) {
      return statements.toolCallIdUsed.get(sessionId, toolCallId) !== undefined;
    },
    listSessions() {
      return (
        statements.sessions.all() as Array<SessionRow & { turns: number; last_state: TurnState | null }>
      ).map((row) => ({
        id: row.id,
        title: row.title,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        turns: row.turns,
        lastTurnState: row.last_state,
      }));
    },
    sessionDetail(id) {
      const session = store.getSession(id);
      if (!session) return null;
      const calls = (statements.toolCallsOfSession.all(id) as ToolCallRow[]).map(toToolCall);
      return {
        session,
        turns: (statements.turnsOfSession.all(id) as TurnRow[]).map(toTurn),
        messages: store.messages(id),
        steps: calls.map((call) => ({ ...toStepRecord(call), turnId: call.turnId, step: call.step })),
        pendingApprovals: calls
          .filter((call) => call.approval === 'pending' && call.approvalId !== null)
          .map((call) => ({
            approvalId: call.approvalId as string,
            turnId: call.turnId,
            toolCallId: call.toolCallId,
            tool: call.tool,
            arguments: call.arguments,
            effect: call.effect,
            reason: call.approvalReason ?? '',
            expiresAt:
              call.approvalExpiresAt === null ? null : new Date(call.approvalExpiresAt).toISOString(),
          })),
      };
    },
    turnSummaries() {
      // An array, not a lazy iterator: backfill writes to the same connection while it reads these,
      // and better-sqlite3 refuses a write while a statement is still iterating.
      return (
        statements.answeredTurns.all() as Array<{
          id: string;
          session_id: string;
          user_message: string;
          answer: string;
          ended_at: number;
        }>
      ).map((row) => ({
        sessionId: row.session_id,
        turnId: row.id,
        userMessage: row.user_message,
        answer: row.answer,
        at: row.ended_at,
      }));
    },
  };
  return store;
}
