import type { AgentEvent } from '../agent/agent-events.js';
import { ApprovalError } from '../approvals/approval-error.js';
import { type ToolCallRecord, toStepRecord } from '../store/agent-store.js';
import { approvalGate } from './approval-gate.js';
import type { LoopContext } from './loop-context.js';
import { runTool } from './run-tool.js';
import { stepToolMessage } from './tool-message.js';
import { toolOutputEnvelope } from './tool-output-envelope.js';

export type StepOutcome =
  | { kind: 'pending'; tools: string[] }
  | { kind: 'settled'; repeatedTool: string | null; invalidTool: string | null };

/**
 * Takes a step's waiting calls in order: decides whether each needs an approval (from the registry's
 * effect and the turn's untrusted flag only), asks for it and leaves the call waiting, or runs it —
 * an approved call only after `approvals.consume` accepted it for this very call. When nothing is
 * pending any more, it stores the step's tool message (every call's result, in order) and says whether
 * the step ended with a repeated call or with arguments that stayed invalid.
 *
 * It is also how a turn continues after a decision or a restart: the approval store is read again for
 * every call still marked pending, so a decision recorded by another process is taken into account.
 */
export async function* settleStep(
  context: LoopContext,
  turnId: string,
  step: number,
  signal?: AbortSignal,
): AsyncGenerator<AgentEvent, StepOutcome> {
  const { store } = context;
  const key = (call: ToolCallRecord) => ({ turnId, step, position: call.position });
  const settle = (call: ToolCallRecord, patch: Partial<ToolCallRecord>): AgentEvent => {
    const updated = store.updateToolCall(key(call), { finishedAt: context.now(), ...patch });
    return { type: 'tool-result', step: toStepRecord(updated) };
  };

  for (const initial of store.toolCalls(turnId, step)) {
    let call = initial;
    if (call.status === 'running') {
      // Started before a crash: it may have acted already, so it is never run a second time.
      const message = `${call.tool} was interrupted before it finished; it is not run again`;
      yield settle(call, {
        status: 'failed',
        note: 'interrupted',
        output: message,
        modelOutput: { type: 'error-text', value: message },
      });
      continue;
    }
    if (call.status !== 'waiting') continue;
    // Read for each call: a tool can disappear or be disabled while its call waits for a decision.
    const current = context.tools.current();
    const tool = current.byName.get(call.tool);
    if (!tool) {
      yield settle(call, refuseMissingTool(context, call, current.unavailable.get(call.tool) ?? null));
      continue;
    }

    const verdict = approvalGate(context, call, tool, store.getTurn(turnId)?.untrustedSeen ?? true);
    if (verdict.kind === 'wait') {
      if (verdict.event) yield verdict.event;
      continue;
    }
    if (verdict.kind === 'refuse') {
      yield settle(call, verdict.patch);
      continue;
    }

    call = store.updateToolCall(key(call), { status: 'running', startedAt: context.now() });
    const run = await runTool(tool, call.arguments, {
      sessionId: call.sessionId,
      toolCallId: call.toolCallId,
      signal: signal ?? new AbortController().signal,
    });
    const turn = store.getTurn(turnId);
    store.updateTurn(turnId, {
      toolsMs: (turn?.toolsMs ?? 0) + run.durationMs,
      // Output written by someone else (even an error text from an outside server) makes every
      // later write or destructive call of the turn ask.
      ...(tool.untrustedOutput ? { untrustedSeen: true } : {}),
    });
    yield settle(
      call,
      run.ok
        ? {
            status: 'done',
            output: run.text,
            durationMs: run.durationMs,
            modelOutput: {
              type: 'text',
              value: toolOutputEnvelope({ tool: tool.name, text: run.text, untrusted: tool.untrustedOutput }),
            },
          }
        : {
            status: 'failed',
            note: 'tool_error',
            output: run.message,
            durationMs: run.durationMs,
            modelOutput: { type: 'error-text', value: run.message },
          },
    );
  }

  const calls = store.toolCalls(turnId, step);
  const pending = calls.filter((call) => call.status === 'waiting');
  if (pending.length > 0) return { kind: 'pending', tools: pending.map((call) => call.tool) };
  const first = calls[0];
  if (first) {
    store.addMessage({
      sessionId: first.sessionId,
      turnId,
      at: context.now(),
      message: stepToolMessage(calls),
    });
  }
  return {
    kind: 'settled',
    repeatedTool: calls.find((call) => call.note === 'repeated')?.tool ?? null,
    invalidTool: calls.find((call) => call.note === 'invalid')?.tool ?? null,
  };
}

/**
 * A waiting call whose tool is gone (its MCP server was removed from mcp.yaml) or disabled (its
 * definition changed): it never runs, even when the user approved it for the tool as it was. A
 * pending approval of it is denied in the store, so that it leaves the pending list and cannot be used.
 */
function refuseMissingTool(
  context: LoopContext,
  call: ToolCallRecord,
  unavailable: string | null,
): Partial<ToolCallRecord> {
  if (call.approvalId === null) {
    const message =
      unavailable === null ? `unknown tool ${call.tool}` : `${call.tool} is not available: ${unavailable}`;
    return {
      status: unavailable === null ? 'failed' : 'not_run',
      note: unavailable === null ? 'unknown_tool' : 'tool_unavailable',
      output: message,
      modelOutput: { type: 'error-text', value: message },
    };
  }
  if (context.approvals.get(call.approvalId)?.state === 'pending') {
    try {
      context.approvals.decide({ sessionId: call.sessionId, approvalId: call.approvalId, decision: 'deny' });
    } catch (error) {
      // Decided or expired meanwhile: it cannot be used either way.
      if (!ApprovalError.isInstance(error)) throw error;
    }
  }
  const message = `${call.tool} ${unavailable === null ? 'is no longer available' : `is not available: ${unavailable}`}; not run`;
  return {
    approval: call.approval === 'approved' ? 'approved' : 'denied',
    status: 'not_run',
    note: 'tool_unavailable',
    output: message,
    modelOutput: { type: 'execution-denied', reason: message },
  };
}
