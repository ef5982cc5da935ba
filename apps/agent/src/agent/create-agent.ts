import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ApprovalError } from '../approvals/approval-error.js';
import type { ApprovalStore } from '../approvals/approval-store.js';
import { deniedOutput } from '../loop/approval-gate.js';
import { closeOpenTurn } from '../loop/close-open-turn.js';
import { stopTurn, turnEndEvent } from '../loop/end-turn.js';
import type { LoopContext, ToolChoicePolicy } from '../loop/loop-context.js';
import { type ModelObject, requireModelObject } from '../loop/model-object.js';
import type { ModelTimeLimits } from '../loop/model-time-limits.js';
import { runTurn } from '../loop/run-turn.js';
import { stopQuestions, userLanguage } from '../loop/stop-questions.js';
import { createToolSource, type DynamicTools } from '../loop/tool-source.js';
import type { AgentMemory } from '../memory/agent-memory.js';
import { type AgentStore, createAgentStore, type TurnRecord, toStepRecord } from '../store/agent-store.js';
import type { AgentTool } from '../tools/agent-tool.js';
import type { Agent } from './agent.js';
import type { AgentEvent } from './agent-events.js';
import { AgentRequestError } from './agent-request-error.js';
import { defaultSystemPrompt, recalledFactsContext } from './default-system-prompt.js';

export interface CreateAgentOptions {
  /** A provider instance (createGatewayModel); a model id string is refused. */
  model: ModelObject;
  /**
   * The agent's database connection (openAgentDatabase): sessions, turns, messages, tool calls. It stays
   * the caller's: `close()` stops new streams and leaves the connection open.
   */
  connection: Database.Database;
  /** The built-in tools, fixed for the agent's life. */
  tools: readonly AgentTool[];
  /**
   * Tools that come and go while the agent runs (MCP servers): read at the start of every step, never
   * shadowing a fixed tool of the same name.
   */
  dynamicTools?: DynamicTools;
  approvals: ApprovalStore;
  /** When given: turns are mirrored into it and a new session starts with facts recalled from it. */
  memory?: Pick<AgentMemory, 'mirrorTurn' | 'replaceTurn' | 'contextFor'>;
  /** Model steps per turn before it asks whether to go on (default 12). */
  maxSteps?: number;
  systemPrompt?: string;
  /** `required-first`: the first step of each turn must call a tool (default `auto`; see LoopContext). */
  toolChoice?: ToolChoicePolicy;
  /**
   * How long a model call may stay silent: before its first part (default 180 s: the gateway may be
   * loading the model) and between parts (default 60 s). Past either, the turn ends `model_timeout`.
   */
  modelTimeLimits?: Partial<ModelTimeLimits>;
  /** Milliseconds since the epoch, for stored times (default Date.now). */
  now?: () => number;
}

export const defaultModelTimeLimits: ModelTimeLimits = { firstPartMs: 180_000, idleMs: 60_000 };

/** The agent plus its store, for interfaces that list sessions or show one. */
export interface CreatedAgent extends Agent {
  store: AgentStore;
}

/**
 * The agent: our own loop over the AI SDK's single model calls (docs/adr/0001), with the session, its
 * messages, tool calls and approvals in SQLite so that a turn waiting for a decision continues after a
 * restart. One turn at a time per session: a second stream on a busy session gets `session_busy`.
 */
export function createAgent(options: CreateAgentOptions): CreatedAgent {
  const model = requireModelObject(options.model);
  const maxSteps = options.maxSteps ?? 12;
  if (!Number.isInteger(maxSteps) || maxSteps < 1)
    throw new RangeError('maxSteps must be a positive integer');
  const names = new Set<string>();
  for (const tool of options.tools) {
    if (names.has(tool.name)) throw new Error(`two tools are named ${tool.name}`);
    names.add(tool.name);
  }
  const store = createAgentStore(options.connection);
  const context: LoopContext = {
    model,
    store,
    approvals: options.approvals,
    tools: createToolSource(options.tools, options.dynamicTools ?? null),
    systemPrompt: options.systemPrompt ?? defaultSystemPrompt,
    maxSteps,
    toolChoice: options.toolChoice ?? 'auto',
    modelTimeLimits: { ...defaultModelTimeLimits, ...options.modelTimeLimits },
    memory: options.memory ?? null,
    now: options.now ?? Date.now,
  };
  const busy = new Set<string>();
  let closed = false;

  /** Runs one stream of a session, refusing a second one at the same time. */
  async function* exclusive(
    sessionId: string,
    work: () => AsyncGenerator<AgentEvent>,
  ): AsyncGenerator<AgentEvent> {
    if (closed) {
      yield { type: 'error', code: 'agent_closed', message: 'the agent is closed' };
      return;
    }
    if (busy.has(sessionId)) {
      yield {
        type: 'error',
        code: 'session_busy',
        message: `session ${sessionId} is already running a turn`,
      };
      return;
    }
    busy.add(sessionId);
    try {
      yield* work();
    } finally {
      busy.delete(sessionId);
    }
  }

  /** Facts about the user for a new session; a memory that fails (an embedder down) gives none. */
  async function recalledFacts(message: string) {
    if (!context.memory) return [];
    try {
      return await context.memory.contextFor(message);
    } catch {
      return [];
    }
  }

  async function* send(input: {
    sessionId?: string;
    message: string;
    signal?: AbortSignal;
  }): AsyncGenerator<AgentEvent> {
    const message = typeof input.message === 'string' ? input.message.trim() : '';
    if (!message) {
      yield { type: 'error', code: 'invalid_message', message: 'the message is empty' };
      return;
    }
    let sessionId = input.sessionId;
    if (sessionId !== undefined && !store.getSession(sessionId)) {
      yield { type: 'error', code: 'session_not_found', message: `no session ${sessionId}` };
      return;
    }
    if (sessionId === undefined) {
      sessionId = `session_${randomUUID()}`;
      const facts = await recalledFacts(message);
      const at = context.now();
      store.createSession({
        id: sessionId,
        title: message.length > 80 ? `${message.slice(0, 79)}…` : message,
        systemContext: recalledFactsContext(facts.map((fact) => fact.text)),
        recalledFacts: facts.length,
        createdAt: at,
        updatedAt: at,
      });
    }
    const id = sessionId;
    yield* exclusive(id, async function* () {
      await closeOpenTurn(context, id);
      // A session created empty (POST /api/sessions) gets its recalled facts with its first message.
      if (store.latestTurn(id) === null && store.getSession(id)?.systemContext === '') {
        const facts = await recalledFacts(message);
        if (facts.length > 0) {
          store.setSessionContext(id, {
            systemContext: recalledFactsContext(facts.map((fact) => fact.text)),
            recalledFacts: facts.length,
          });
        }
      }
      const session = store.getSession(id);
      const at = context.now();
      const turn = store.transaction(() => {
        const created = store.createTurn({
          id: `turn_${randomUUID()}`,
          sessionId: id,
          userMessage: message,
          language: userLanguage(message),
          // Recalled memories are text the user did not write in this session: untrusted from the start.
          untrustedSeen: (session?.recalledFacts ?? 0) > 0,
          startedAt: at,
        });
        store.addMessage({
          sessionId: id,
          turnId: created.id,
          at,
          message: { role: 'user', content: message },
        });
        return created;
      });
      yield { type: 'turn-start', sessionId: id, turnId: turn.id };
      yield* runTurn(context, turn.id, input.signal);
    });
  }

  async function* decide(input: {
    sessionId: string;
    approvalId: string;
    decision: 'approve' | 'deny';
    signal?: AbortSignal;
  }): AsyncGenerator<AgentEvent> {
    const call = store.toolCallByApproval(input.approvalId);
    if (!call || call.sessionId !== input.sessionId) {
      yield {
        type: 'error',
        code: 'approval_not_found',
        message: `no approval ${input.approvalId} in this session`,
      };
      return;
    }
    yield* exclusive(input.sessionId, async function* () {
      const key = { turnId: call.turnId, step: call.step, position: call.position };
      const turn = store.getTurn(call.turnId);
      if (!turn) return;
      if (turn.state !== 'waiting_approval' || call.approval !== 'pending' || call.status !== 'waiting') {
        yield {
          type: 'error',
          code: 'approval_already_decided',
          message: `approval ${input.approvalId} no longer waits for a decision`,
        };
        return;
      }
      let decided: ReturnType<ApprovalStore['decide']>;
      try {
        decided = context.approvals.decide({
          sessionId: input.sessionId,
          approvalId: input.approvalId,
          decision: input.decision,
        });
      } catch (error) {
        if (!ApprovalError.isInstance(error)) throw error;
        yield { type: 'error', code: error.code, message: error.message };
        if (error.code !== 'approval_expired') return;
        // An expired approval never runs its call; the turn goes on without it, and the model is told.
        yield { type: 'turn-start', sessionId: input.sessionId, turnId: turn.id };
        const message = 'the approval expired before a decision; not run';
        const updated = store.updateToolCall(key, {
          approval: 'denied',
          status: 'not_run',
          note: 'expired',
          output: message,
          modelOutput: { type: 'execution-denied', reason: message },
          finishedAt: context.now(),
        });
        yield { type: 'tool-result', step: toStepRecord(updated) };
        yield* continueOrWait(turn.id, input.signal);
        return;
      }
      yield { type: 'turn-start', sessionId: input.sessionId, turnId: turn.id };
      const waited = Math.max(0, Date.parse(decided.decidedAt ?? '') - Date.parse(decided.createdAt)) || 0;
      store.transaction(() => {
        store.updateTurn(turn.id, { approvalsWaitingMs: turn.approvalsWaitingMs + waited });
        store.updateToolCall(key, { approval: decided.state === 'denied' ? 'denied' : 'approved' });
      });
      if (decided.state === 'denied') {
        const updated = store.updateToolCall(key, {
          status: 'not_run',
          note: 'denied',
          output: deniedOutput,
          modelOutput: { type: 'execution-denied', reason: deniedOutput },
          finishedAt: context.now(),
        });
        yield { type: 'tool-result', step: toStepRecord(updated) };
      }
      yield* continueOrWait(turn.id, input.signal);
    });
  }

  /** After a decision: goes on when nothing else of the step waits, else stops again on the others. */
  async function* continueOrWait(turnId: string, signal?: AbortSignal): AsyncGenerator<AgentEvent> {
    const turn = store.getTurn(turnId);
    if (!turn) return;
    // Only approvals the store still holds as pending make it wait; an expired one is settled by the loop.
    const waiting = store
      .toolCalls(turnId, turn.stepsUsed)
      .filter(
        (call) =>
          call.status === 'waiting' &&
          call.approvalId !== null &&
          context.approvals.get(call.approvalId)?.state === 'pending',
      );
    if (waiting.length > 0) {
      const stop = stopTurn(
        context,
        turnId,
        'approval_pending',
        stopQuestions.approvalPending(
          turn.language,
          waiting.map((call) => call.tool),
        ),
      );
      yield stop.event;
      yield turnEndEvent(context, stop.turn);
      return;
    }
    yield* runTurn(context, turnId, signal);
  }

  async function* resume(input: {
    sessionId: string;
    goOn: boolean;
    signal?: AbortSignal;
  }): AsyncGenerator<AgentEvent> {
    const turn = store.latestTurn(input.sessionId);
    if (!turn || turn.state === 'done') {
      yield {
        type: 'error',
        code: 'nothing_to_resume',
        message: `session ${input.sessionId} has no stopped turn`,
      };
      return;
    }
    yield* exclusive(input.sessionId, async function* () {
      yield { type: 'turn-start', sessionId: input.sessionId, turnId: turn.id };
      if (!input.goOn) {
        await closeOpenTurn(context, input.sessionId);
        const ended = store.getTurn(turn.id) ?? turn;
        yield turnEndEvent(context, ended);
        return;
      }
      // A fresh step budget; a turn waiting for approvals re-reads them (decided elsewhere, expired, used).
      if (turn.state === 'waiting_continue') store.updateTurn(turn.id, { budgetStart: turn.stepsUsed });
      yield* runTurn(context, turn.id, input.signal);
    });
  }

  // The model often finishes writing long before its speech ends: the turn is already done, with the
  // whole answer stored and mirrored; only what was played stays.
  async function replacePlayedAnswer(turn: TurnRecord, played: string): Promise<void> {
    store.transaction(() => {
      store.replaceAnswer(turn.id, played);
      store.updateTurn(turn.id, { stopReason: 'interrupted', answer: played });
    });
    if (!context.memory) return;
    try {
      await context.memory.replaceTurn({
        sessionId: turn.sessionId,
        turnId: turn.id,
        userMessage: turn.userMessage,
        answer: played,
        at: turn.endedAt ?? context.now(),
      });
    } catch {
      // The history holds the played answer; backfill cannot fix memory here, but a lost summary is not lost data.
    }
  }

  async function interrupt(input: { sessionId: string; turnId: string; played: string }): Promise<void> {
    if (busy.has(input.sessionId)) {
      throw new AgentRequestError('session_busy', `session ${input.sessionId} is still running a turn`);
    }
    const turn = store.getTurn(input.turnId);
    if (!turn || turn.sessionId !== input.sessionId) {
      throw new AgentRequestError('turn_not_found', `no turn ${input.turnId} in session ${input.sessionId}`);
    }
    const played = input.played.trim();
    busy.add(input.sessionId);
    try {
      if (turn.state !== 'done') {
        await closeOpenTurn(context, input.sessionId, { end: 'interrupted', answer: played });
      } else if (turn.stopReason === 'answered') {
        await replacePlayedAnswer(turn, played);
      }
    } finally {
      busy.delete(input.sessionId);
    }
  }

  return {
    store,
    send,
    decide,
    resume,
    interrupt,
    async close() {
      closed = true;
    },
  };
}
