import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentStore, type ToolCallRecord } from './agent-store.js';
import { type AgentDatabase, agentDatabasePath, openAgentDatabase } from './open-agent-database.js';

let home: string;
let database: AgentDatabase | null = null;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'klody-agent-store-'));
});
afterEach(() => {
  database?.close();
  database = null;
  rmSync(home, { recursive: true, force: true });
});

const open = () => {
  database?.close();
  database = openAgentDatabase(agentDatabasePath(home));
  return createAgentStore(database.connection);
};

const call = (overrides: Partial<ToolCallRecord>): ToolCallRecord => ({
  sessionId: 'session_1',
  turnId: 'turn_1',
  step: 1,
  position: 0,
  toolCallId: 'call_1',
  tool: 'erase',
  arguments: { book: 'moby' },
  argumentsHash: 'hash',
  effect: 'destructive',
  approval: 'pending',
  approvalId: 'approval_1',
  approvalReason: 'erase removes something',
  approvalExpiresAt: Date.UTC(2026, 0, 1),
  status: 'waiting',
  note: null,
  output: null,
  modelOutput: null,
  repaired: false,
  createdAt: 1,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  ...overrides,
});

describe('the agent store', () => {
  it('opens $KLODY_HOME/agent/agent.db, creating the folder, in WAL mode with a busy timeout', () => {
    open();
    expect(existsSync(join(home, 'agent', 'agent.db'))).toBe(true);
    expect(database?.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(Number(database?.connection.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
  });

  it('keeps sessions, turns, messages in order and tool calls across a reopen; lists and details them', () => {
    let store = open();
    store.createSession({
      id: 'session_1',
      title: 'Erase',
      systemContext: '',
      recalledFacts: 0,
      createdAt: 1,
      updatedAt: 1,
    });
    const turn = store.createTurn({
      id: 'turn_1',
      sessionId: 'session_1',
      userMessage: 'Erase moby',
      language: 'en',
      untrustedSeen: false,
      startedAt: 2,
    });
    expect(turn).toMatchObject({
      position: 1,
      state: 'running',
      stepsUsed: 0,
      untrustedSeen: false,
      endedAt: null,
    });
    store.addMessage({
      sessionId: 'session_1',
      turnId: 'turn_1',
      at: 2,
      message: { role: 'user', content: 'Erase moby' },
    });
    store.addMessage({
      sessionId: 'session_1',
      turnId: 'turn_1',
      at: 3,
      message: {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'erase', input: { book: 'moby' } }],
      },
    });
    store.addToolCall(call({}));
    store.updateTurn('turn_1', {
      state: 'waiting_approval',
      stepsUsed: 1,
      stopReason: 'approval_pending',
      modelMs: 12.5,
    });

    store = open();
    expect(store.listSessions()).toEqual([
      {
        id: 'session_1',
        title: 'Erase',
        createdAt: 1,
        updatedAt: 3,
        turns: 1,
        lastTurnState: 'waiting_approval',
      },
    ]);
    const detail = store.sessionDetail('session_1');
    expect(detail?.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(detail?.turns[0]).toMatchObject({ stepsUsed: 1, modelMs: 12.5, stopReason: 'approval_pending' });
    expect(detail?.steps).toEqual([
      {
        toolCallId: 'call_1',
        tool: 'erase',
        arguments: { book: 'moby' },
        effect: 'destructive',
        approval: 'pending',
        status: 'not_run',
        output: null,
        turnId: 'turn_1',
        step: 1,
      },
    ]);
    expect(detail?.pendingApprovals).toEqual([
      {
        approvalId: 'approval_1',
        turnId: 'turn_1',
        toolCallId: 'call_1',
        tool: 'erase',
        arguments: { book: 'moby' },
        effect: 'destructive',
        reason: 'erase removes something',
        expiresAt: '2026-01-01T00:00:00.000Z',
      },
    ]);
    expect(store.toolCallByApproval('approval_1')?.toolCallId).toBe('call_1');
    expect(store.toolCallIdUsed('session_1', 'call_1')).toBe(true);
    expect(store.toolCallIdUsed('session_2', 'call_1')).toBe(false);
    expect(store.sessionDetail('session_nope')).toBeNull();
    // Not answered yet: nothing for backfill.
    expect(store.turnSummaries()).toEqual([]);
    store.updateTurn('turn_1', { state: 'done', answer: 'Erased.', endedAt: 9 });
    expect(store.turnSummaries()).toEqual([
      { sessionId: 'session_1', turnId: 'turn_1', userMessage: 'Erase moby', answer: 'Erased.', at: 9 },
    ]);
  });

  it('a transaction that fails leaves nothing half written', () => {
    const store = open();
    store.createSession({
      id: 'session_1',
      title: 't',
      systemContext: '',
      recalledFacts: 0,
      createdAt: 1,
      updatedAt: 1,
    });
    store.createTurn({
      id: 'turn_1',
      sessionId: 'session_1',
      userMessage: 'm',
      language: 'en',
      untrustedSeen: false,
      startedAt: 1,
    });
    expect(() =>
      store.transaction(() => {
        store.addMessage({
          sessionId: 'session_1',
          turnId: 'turn_1',
          at: 2,
          message: { role: 'user', content: 'm' },
        });
        store.addToolCall(call({}));
        store.addToolCall(call({})); // the same (turn, step, position) twice: the primary key refuses it
      }),
    ).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(store.messages('session_1')).toEqual([]);
    expect(store.toolCalls('turn_1')).toEqual([]);
  });
});
