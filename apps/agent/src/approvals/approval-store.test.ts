import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApprovalError, type ApprovalErrorCode, approvalErrorStatus } from './approval-error.js';
import { type ApprovalRequest, type ApprovalStore, createApprovalStore } from './approval-store.js';
import { argumentsHash } from './canonical-arguments.js';

const minute = 60_000;

function expectRefusal(action: () => unknown, code: ApprovalErrorCode) {
  let caught: unknown = null;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(ApprovalError.isInstance(caught)).toBe(true);
  expect((caught as ApprovalError).code).toBe(code);
}

describe('createApprovalStore (a real SQLite file)', () => {
  let folder: string;
  let path: string;
  let connection: Database.Database;
  let clock: number;
  let store: ApprovalStore;

  const open = () => {
    const opened = new Database(path);
    opened.pragma('journal_mode = WAL');
    return opened;
  };
  const removeBook: ApprovalRequest = {
    sessionId: 'session-a',
    turnId: 'turn-1',
    toolCallId: 'call-1',
    tool: 'remove_book',
    arguments: { bookId: 'candide', keepFiles: false },
    effect: 'destructive',
    reason: 'remove_book removes or overwrites something, which always asks.',
  };
  const use = (approvalId: string, overrides: Partial<Parameters<ApprovalStore['consume']>[0]> = {}) => ({
    sessionId: 'session-a',
    approvalId,
    toolCallId: 'call-1',
    tool: 'remove_book',
    arguments: { keepFiles: false, bookId: 'candide' },
    ...overrides,
  });

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'klody-agent-approvals-'));
    path = join(folder, 'agent.db');
    connection = open();
    clock = Date.UTC(2026, 10, 30, 22, 0, 0);
    store = createApprovalStore(connection, { now: () => clock });
  });

  afterEach(() => {
    connection.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('stores a pending approval bound to the call, expiring after 10 minutes by default', () => {
    const record = store.request(removeBook);
    expect(record).toMatchObject({
      sessionId: 'session-a',
      turnId: 'turn-1',
      toolCallId: 'call-1',
      tool: 'remove_book',
      arguments: { bookId: 'candide', keepFiles: false },
      argumentsHash: argumentsHash({ keepFiles: false, bookId: 'candide' }),
      effect: 'destructive',
      reason: removeBook.reason,
      state: 'pending',
      createdAt: '2026-11-30T22:00:00.000Z',
      expiresAt: '2026-11-30T22:10:00.000Z',
      decidedAt: null,
    });
    expect(record.id).toMatch(/^approval_[0-9a-f-]{36}$/);
    expect(store.pending('session-a').map((approval) => approval.id)).toEqual([record.id]);
    expect(store.pending().map((approval) => approval.id)).toEqual([record.id]);
    expect(store.pending('session-b')).toEqual([]);
    expect(store.get(record.id)).toEqual(record);
    expect(store.forToolCall('session-a', 'call-1')).toEqual(record);
    expect(store.forTurn('session-a', 'turn-1')).toEqual([record]);
  });

  it('keeps a pending approval across a restart (the database closed and reopened), then approves and uses it', () => {
    const record = store.request(removeBook);
    connection.close();
    connection = open();
    const reopened = createApprovalStore(connection, { now: () => clock });
    expect(reopened.pending('session-a')).toEqual([record]);
    clock += 2 * minute;
    const approved = reopened.decide({ sessionId: 'session-a', approvalId: record.id, decision: 'approve' });
    expect(approved.state).toBe('approved');
    expect(approved.decidedAt).toBe('2026-11-30T22:02:00.000Z');
    expect(reopened.pending('session-a')).toEqual([]);
    const used = reopened.consume(use(record.id));
    expect(used.state).toBe('used');
  });

  it('asks once per call: asking again for the same call returns the stored approval, other arguments are refused', () => {
    const first = store.request(removeBook);
    const again = store.request({ ...removeBook, arguments: { keepFiles: false, bookId: 'candide' } });
    expect(again.id).toBe(first.id);
    expectRefusal(
      () => store.request({ ...removeBook, arguments: { bookId: 'zadig' } }),
      'approval_mismatch',
    );
    expectRefusal(() => store.request({ ...removeBook, tool: 'forget' }), 'approval_mismatch');
    expect(store.forTurn('session-a', 'turn-1')).toHaveLength(1);
  });

  it('is used once: a second use is refused with approval_already_used', () => {
    const { id } = store.request(removeBook);
    store.decide({ sessionId: 'session-a', approvalId: id, decision: 'approve' });
    store.consume(use(id));
    expectRefusal(() => store.consume(use(id)), 'approval_already_used');
    expect(store.get(id)?.state).toBe('used');
  });

  it('never runs a denied call: consume throws approval_not_approved, and the denial stays', () => {
    const { id } = store.request(removeBook);
    const denied = store.decide({ sessionId: 'session-a', approvalId: id, decision: 'deny' });
    expect(denied.state).toBe('denied');
    expectRefusal(() => store.consume(use(id)), 'approval_not_approved');
    expect(store.get(id)?.state).toBe('denied');
  });

  it('does not use an approval still waiting for a decision', () => {
    const { id } = store.request(removeBook);
    expectRefusal(() => store.consume(use(id)), 'approval_not_approved');
    expect(store.get(id)?.state).toBe('pending');
  });

  it('refuses a stale approval for another call: other arguments, tool or tool call id → approval_mismatch', () => {
    const { id } = store.request(removeBook);
    store.decide({ sessionId: 'session-a', approvalId: id, decision: 'approve' });
    expectRefusal(
      () => store.consume(use(id, { arguments: { bookId: 'zadig', keepFiles: false } })),
      'approval_mismatch',
    );
    expectRefusal(() => store.consume(use(id, { arguments: { bookId: 'candide' } })), 'approval_mismatch');
    expectRefusal(() => store.consume(use(id, { tool: 'forget' })), 'approval_mismatch');
    expectRefusal(() => store.consume(use(id, { toolCallId: 'call-2' })), 'approval_mismatch');
    // None of the refusals used it up: the approved call itself still runs, once.
    expect(store.consume(use(id)).state).toBe('used');
  });

  it('refuses a decision twice with approval_already_decided, whatever the second decision', () => {
    const { id } = store.request(removeBook);
    store.decide({ sessionId: 'session-a', approvalId: id, decision: 'deny' });
    expectRefusal(
      () => store.decide({ sessionId: 'session-a', approvalId: id, decision: 'approve' }),
      'approval_already_decided',
    );
    expectRefusal(
      () => store.decide({ sessionId: 'session-a', approvalId: id, decision: 'deny' }),
      'approval_already_decided',
    );
    expect(store.get(id)?.state).toBe('denied');
    const other = store.request({ ...removeBook, toolCallId: 'call-2' });
    store.decide({ sessionId: 'session-a', approvalId: other.id, decision: 'approve' });
    expectRefusal(
      () => store.decide({ sessionId: 'session-a', approvalId: other.id, decision: 'deny' }),
      'approval_already_decided',
    );
    expect(store.get(other.id)?.state).toBe('approved');
  });

  it('never crosses sessions: another session deciding or using it reads approval_not_found', () => {
    const { id } = store.request(removeBook);
    expectRefusal(
      () => store.decide({ sessionId: 'session-b', approvalId: id, decision: 'approve' }),
      'approval_not_found',
    );
    expect(store.get(id)?.state).toBe('pending');
    store.decide({ sessionId: 'session-a', approvalId: id, decision: 'approve' });
    expectRefusal(() => store.consume(use(id, { sessionId: 'session-b' })), 'approval_not_found');
    expect(store.get(id)?.state).toBe('approved');
    expectRefusal(
      () => store.decide({ sessionId: 'session-a', approvalId: 'approval_nope', decision: 'approve' }),
      'approval_not_found',
    );
  });

  it('expires: a pending approval past its time reads as expired, leaves the pending list and cannot be approved', () => {
    const { id } = store.request(removeBook);
    clock += 10 * minute - 1;
    expect(store.get(id)?.state).toBe('pending');
    clock += 1;
    expect(store.get(id)?.state).toBe('expired');
    expect(store.pending('session-a')).toEqual([]);
    expectRefusal(
      () => store.decide({ sessionId: 'session-a', approvalId: id, decision: 'approve' }),
      'approval_expired',
    );
    expectRefusal(() => store.consume(use(id)), 'approval_expired');
  });

  it('expires: an approved approval not used in time cannot be used', () => {
    const shortLived = createApprovalStore(connection, { ttlMs: 30_000, now: () => clock });
    const { id, expiresAt } = shortLived.request(removeBook);
    expect(expiresAt).toBe('2026-11-30T22:00:30.000Z');
    clock += 10_000;
    shortLived.decide({ sessionId: 'session-a', approvalId: id, decision: 'approve' });
    clock += 20_000;
    expectRefusal(() => shortLived.consume(use(id)), 'approval_expired');
    expect(shortLived.get(id)?.state).toBe('expired');
  });

  it('refuses a ttl that is not a positive duration and a decision that is neither approve nor deny', () => {
    expect(() => createApprovalStore(connection, { ttlMs: 0 })).toThrow(RangeError);
    const { id } = store.request(removeBook);
    expect(() =>
      store.decide({ sessionId: 'session-a', approvalId: id, decision: 'yes' as unknown as 'approve' }),
    ).toThrow(/approve.*deny/);
    expect(store.get(id)?.state).toBe('pending');
  });

  it("works inside the caller's own transaction, and is undone with it", () => {
    const outer = connection.transaction(() => {
      const record = store.request(removeBook);
      store.decide({ sessionId: 'session-a', approvalId: record.id, decision: 'approve' });
      throw new Error('the step failed');
    });
    expect(() => outer()).toThrow('the step failed');
    expect(store.forToolCall('session-a', 'call-1')).toBeNull();
    const kept = connection.transaction(() => store.request(removeBook))();
    expect(store.get(kept.id)?.state).toBe('pending');
  });

  it('lets only one of two connections (as two processes hold) use an approval', () => {
    const { id } = store.request(removeBook);
    store.decide({ sessionId: 'session-a', approvalId: id, decision: 'approve' });
    const second = open();
    try {
      const otherProcess = createApprovalStore(second, { now: () => clock });
      expect(otherProcess.consume(use(id)).state).toBe('used');
      expectRefusal(() => store.consume(use(id)), 'approval_already_used');
    } finally {
      second.close();
    }
  });
});

describe('approvalErrorStatus', () => {
  it("maps every refusal to a client error, and another session's approval to the same 404 as a missing one", () => {
    const codes: ApprovalErrorCode[] = [
      'approval_not_found',
      'approval_expired',
      'approval_already_decided',
      'approval_mismatch',
      'approval_not_approved',
      'approval_already_used',
    ];
    expect(Object.keys(approvalErrorStatus).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(approvalErrorStatus[code]).toBeGreaterThanOrEqual(400);
    for (const code of codes) expect(approvalErrorStatus[code]).toBeLessThan(500);
    expect(approvalErrorStatus.approval_not_found).toBe(404);
  });
});
