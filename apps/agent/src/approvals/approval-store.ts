import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ToolEffect } from '../tools/agent-tool.js';
import { ApprovalError } from './approval-error.js';
import { argumentsHash, canonicalJson } from './canonical-arguments.js';

/** `expired` is never stored: a pending or approved approval reads as expired once its time is up. */
export type ApprovalRecordState = 'pending' | 'approved' | 'denied' | 'expired' | 'used';

export interface ApprovalRecord {
  id: string;
  sessionId: string;
  turnId: string;
  toolCallId: string;
  tool: string;
  /** The call's arguments as stored (their canonical JSON, parsed back). */
  arguments: unknown;
  /** sha256 hex of the canonical JSON of the arguments: what the approval is bound to. */
  argumentsHash: string;
  effect: ToolEffect | 'unknown';
  reason: string;
  state: ApprovalRecordState;
  /** ISO 8601 times. */
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
}

export interface ApprovalRequest {
  sessionId: string;
  turnId: string;
  toolCallId: string;
  tool: string;
  arguments: unknown;
  effect: ToolEffect | 'unknown';
  reason: string;
}

/** The call about to run, checked against every part of the approval's binding. */
export interface ApprovalUse {
  sessionId: string;
  approvalId: string;
  toolCallId: string;
  tool: string;
  arguments: unknown;
}

export interface ApprovalStore {
  /**
   * Stores a pending approval for one call. Asking again for the same call (same session and tool call
   * id, e.g. a turn continued after a restart) returns the stored approval whatever its state (pending,
   * approved, denied, expired or used: the caller acts on it, nothing is asked twice); the same tool
   * call id with another tool or other arguments is refused (`approval_mismatch`).
   */
  request(input: ApprovalRequest): ApprovalRecord;
  /** Records the user's decision on a pending approval of that session. */
  decide(input: { sessionId: string; approvalId: string; decision: 'approve' | 'deny' }): ApprovalRecord;
  /**
   * Marks an approved approval used, right before its call runs. Refused unless it is approved, unused,
   * unexpired and bound to this very call: session, tool call id, tool and sha256 of the arguments.
   */
  consume(input: ApprovalUse): ApprovalRecord;
  /** Approvals still waiting for a decision (expired ones excluded), oldest first. */
  pending(sessionId?: string): ApprovalRecord[];
  get(approvalId: string): ApprovalRecord | null;
  /** The approval asked for one tool call of a session, if any. */
  forToolCall(sessionId: string, toolCallId: string): ApprovalRecord | null;
  /** Every approval of one turn, oldest first. */
  forTurn(sessionId: string, turnId: string): ApprovalRecord[];
}

export interface ApprovalStoreOptions {
  /** How long an approval may be decided and used (default 10 minutes). */
  ttlMs?: number;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
}

interface ApprovalRow {
  id: string;
  session_id: string;
  turn_id: string;
  tool_call_id: string;
  tool: string;
  arguments: string;
  arguments_hash: string;
  effect: string;
  reason: string;
  state: 'pending' | 'approved' | 'denied' | 'used';
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  used_at: number | null;
}

const schema = `
  CREATE TABLE IF NOT EXISTS agent_approvals (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    turn_id TEXT NOT NULL,
    tool_call_id TEXT NOT NULL,
    tool TEXT NOT NULL,
    arguments TEXT NOT NULL,
    arguments_hash TEXT NOT NULL,
    effect TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'used')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    decided_at INTEGER,
    used_at INTEGER,
    UNIQUE (session_id, tool_call_id)
  );
  CREATE INDEX IF NOT EXISTS agent_approvals_turn ON agent_approvals (session_id, turn_id);
  CREATE INDEX IF NOT EXISTS agent_approvals_state ON agent_approvals (state, session_id);
`;

/**
 * Approvals stored in the agent's database (table `agent_approvals`), so that a pending one survives a
 * restart and is decided later. Each approval is bound to one call — session, tool call id, tool,
 * sha256 of the canonical arguments — is used at most once and expires: a stale approval can never
 * run a newer or different call. All checks and the state change of `decide` and `consume` happen in
 * one SQLite transaction, so two processes cannot both use the same approval.
 */
export function createApprovalStore(
  connection: Database.Database,
  options: ApprovalStoreOptions = {},
): ApprovalStore {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  if (!(ttlMs > 0)) throw new RangeError('ttlMs must be a positive number of milliseconds');
  connection.exec(schema);

  const selectById = connection.prepare('SELECT * FROM agent_approvals WHERE id = ?');
  const selectByCall = connection.prepare(
    'SELECT * FROM agent_approvals WHERE session_id = ? AND tool_call_id = ?',
  );
  const selectByTurn = connection.prepare(
    'SELECT * FROM agent_approvals WHERE session_id = ? AND turn_id = ? ORDER BY created_at, rowid',
  );
  const selectPending = connection.prepare(
    "SELECT * FROM agent_approvals WHERE state = 'pending' AND expires_at > ? ORDER BY created_at, rowid",
  );
  const selectPendingOfSession = connection.prepare(
    "SELECT * FROM agent_approvals WHERE state = 'pending' AND expires_at > ? AND session_id = ? ORDER BY created_at, rowid",
  );
  const insert = connection.prepare(
    `INSERT INTO agent_approvals (id, session_id, turn_id, tool_call_id, tool, arguments, arguments_hash,
       effect, reason, state, created_at, expires_at)
     VALUES (@id, @session_id, @turn_id, @tool_call_id, @tool, @arguments, @arguments_hash, @effect,
       @reason, 'pending', @created_at, @expires_at)`,
  );
  const setDecision = connection.prepare(
    "UPDATE agent_approvals SET state = ?, decided_at = ? WHERE id = ? AND state = 'pending'",
  );
  const setUsed = connection.prepare(
    "UPDATE agent_approvals SET state = 'used', used_at = ? WHERE id = ? AND state = 'approved'",
  );

  const toRecord = (row: ApprovalRow, at: number): ApprovalRecord => ({
    id: row.id,
    sessionId: row.session_id,
    turnId: row.turn_id,
    toolCallId: row.tool_call_id,
    tool: row.tool,
    arguments: JSON.parse(row.arguments) as unknown,
    argumentsHash: row.arguments_hash,
    effect: row.effect as ToolEffect | 'unknown',
    reason: row.reason,
    state:
      (row.state === 'pending' || row.state === 'approved') && at >= row.expires_at ? 'expired' : row.state,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at).toISOString(),
  });

  /** The session's approval, or not found: another session's approval is never shown or touched. */
  const rowOfSession = (sessionId: string, approvalId: string): ApprovalRow => {
    const row = selectById.get(approvalId) as ApprovalRow | undefined;
    if (!row || row.session_id !== sessionId) {
      throw new ApprovalError('approval_not_found', `no approval ${approvalId} in this session`);
    }
    return row;
  };

  const request = connection.transaction((input: ApprovalRequest): ApprovalRecord => {
    const at = now();
    const text = canonicalJson(input.arguments);
    const hash = argumentsHash(input.arguments);
    const existing = selectByCall.get(input.sessionId, input.toolCallId) as ApprovalRow | undefined;
    if (existing) {
      if (existing.tool !== input.tool || existing.arguments_hash !== hash) {
        throw new ApprovalError(
          'approval_mismatch',
          `tool call ${input.toolCallId} already has an approval for another tool or other arguments`,
        );
      }
      return toRecord(existing, at);
    }
    const id = `approval_${randomUUID()}`;
    insert.run({
      id,
      session_id: input.sessionId,
      turn_id: input.turnId,
      tool_call_id: input.toolCallId,
      tool: input.tool,
      arguments: text,
      arguments_hash: hash,
      effect: input.effect,
      reason: input.reason,
      created_at: at,
      expires_at: at + ttlMs,
    });
    return toRecord(selectById.get(id) as ApprovalRow, at);
  });

  const decide = connection.transaction(
    (input: { sessionId: string; approvalId: string; decision: 'approve' | 'deny' }): ApprovalRecord => {
      if (input.decision !== 'approve' && input.decision !== 'deny') {
        throw new TypeError(`a decision is 'approve' or 'deny', not ${String(input.decision)}`);
      }
      const at = now();
      const row = rowOfSession(input.sessionId, input.approvalId);
      if (row.state !== 'pending') {
        throw new ApprovalError(
          'approval_already_decided',
          `approval ${row.id} was already decided (${row.state === 'denied' ? 'denied' : 'approved'})`,
        );
      }
      if (at >= row.expires_at) {
        throw new ApprovalError(
          'approval_expired',
          `approval ${row.id} expired at ${new Date(row.expires_at).toISOString()}; the call did not run`,
        );
      }
      setDecision.run(input.decision === 'approve' ? 'approved' : 'denied', at, row.id);
      return toRecord(selectById.get(row.id) as ApprovalRow, at);
    },
  );

  const consume = connection.transaction((input: ApprovalUse): ApprovalRecord => {
    const at = now();
    const row = rowOfSession(input.sessionId, input.approvalId);
    if (
      row.tool_call_id !== input.toolCallId ||
      row.tool !== input.tool ||
      row.arguments_hash !== argumentsHash(input.arguments)
    ) {
      throw new ApprovalError(
        'approval_mismatch',
        `approval ${row.id} was given for another call (${row.tool}, tool call ${row.tool_call_id}, other arguments or tool)`,
      );
    }
    if (row.state === 'used') {
      throw new ApprovalError('approval_already_used', `approval ${row.id} was already used`);
    }
    if (row.state === 'denied') {
      throw new ApprovalError('approval_not_approved', `approval ${row.id} was denied by the user`);
    }
    if (at >= row.expires_at) {
      throw new ApprovalError(
        'approval_expired',
        `approval ${row.id} expired at ${new Date(row.expires_at).toISOString()}`,
      );
    }
    if (row.state === 'pending') {
      throw new ApprovalError('approval_not_approved', `approval ${row.id} is still waiting for a decision`);
    }
    setUsed.run(at, row.id);
    return toRecord(selectById.get(row.id) as ApprovalRow, at);
  });

  return {
    request: (input) => request.immediate(input),
    decide: (input) => decide.immediate(input),
    consume: (input) => consume.immediate(input),
    pending(sessionId) {
      const at = now();
      const rows = (
        sessionId === undefined ? selectPending.all(at) : selectPendingOfSession.all(at, sessionId)
      ) as ApprovalRow[];
      return rows.map((row) => toRecord(row, at));
    },
    get(approvalId) {
      const row = selectById.get(approvalId) as ApprovalRow | undefined;
      return row ? toRecord(row, now()) : null;
    },
    forToolCall(sessionId, toolCallId) {
      const row = selectByCall.get(sessionId, toolCallId) as ApprovalRow | undefined;
      return row ? toRecord(row, now()) : null;
    },
    forTurn(sessionId, turnId) {
      const at = now();
      return (selectByTurn.all(sessionId, turnId) as ApprovalRow[]).map((row) => toRecord(row, at));
    },
  };
}
