import type { ToolResultPart } from 'ai';
import type { AgentEvent } from '../agent/agent-events.js';
import { ApprovalError } from '../approvals/approval-error.js';
import { approvalNeed } from '../approvals/approval-policy.js';
import type { ToolCallRecord } from '../store/agent-store.js';
import type { AgentTool } from '../tools/agent-tool.js';
import type { LoopContext } from './loop-context.js';

/** What the model reads for a call that the user denied. */
export const deniedOutput = 'denied by the user; not run';

const notRun = (reason: string): ToolResultPart['output'] => ({ type: 'execution-denied', reason });

/** What the gate says about one waiting call. */
export type GateVerdict =
  /** Run it now. */
  | { kind: 'run' }
  /** It waits for the user; `event` is the request to show, when this is the first time it is asked. */
  | { kind: 'wait'; event: AgentEvent | null }
  /** It never runs: store this on the call (approval, status, note, outputs). */
  | { kind: 'refuse'; patch: Partial<ToolCallRecord> };

/**
 * Whether a waiting call may run, from the registry's effect, the turn's untrusted flag and the approval
 * store only. A call that needs an approval is asked for once (the request is stored in SQLite) and
 * waits; an approved one runs only once `approvals.consume` has accepted this very call — session,
 * call id, tool, arguments — unused and unexpired. Denied, expired or used approvals refuse the call.
 */
export function approvalGate(
  context: LoopContext,
  call: ToolCallRecord,
  tool: AgentTool,
  untrustedSeen: boolean,
): GateVerdict {
  const { store, approvals } = context;
  const key = { turnId: call.turnId, step: call.step, position: call.position };
  if (call.approvalId === null) {
    const need = approvalNeed({
      toolName: call.tool,
      effect: tool.effect,
      untrustedSeen,
      alwaysAsks: tool.alwaysAsks === true,
    });
    if (!need.needed) return { kind: 'run' };
    const record = approvals.request({
      sessionId: call.sessionId,
      turnId: call.turnId,
      toolCallId: call.toolCallId,
      tool: call.tool,
      arguments: call.arguments,
      effect: tool.effect,
      reason: need.reason,
    });
    store.updateToolCall(key, {
      approval: 'pending',
      approvalId: record.id,
      approvalReason: need.reason,
      approvalExpiresAt: Date.parse(record.expiresAt),
    });
    return {
      kind: 'wait',
      event: {
        type: 'approval-request',
        approvalId: record.id,
        toolCallId: call.toolCallId,
        tool: call.tool,
        arguments: call.arguments,
        effect: tool.effect,
        reason: need.reason,
        expiresAt: record.expiresAt,
      },
    };
  }

  // Read again from the store: the decision may have been made by another process, or expired.
  const state = approvals.get(call.approvalId)?.state ?? 'expired';
  if (state === 'pending') return { kind: 'wait', event: null };
  if (state === 'denied') {
    return {
      kind: 'refuse',
      patch: {
        approval: 'denied',
        status: 'not_run',
        note: 'denied',
        output: deniedOutput,
        modelOutput: notRun(deniedOutput),
      },
    };
  }
  if (state === 'expired' || state === 'used') {
    const message =
      state === 'expired'
        ? 'the approval expired before the call ran; not run'
        : 'the approval was already used; not run';
    return {
      kind: 'refuse',
      patch: {
        approval: call.approval === 'pending' ? 'denied' : call.approval,
        status: 'not_run',
        note: state,
        output: message,
        modelOutput: notRun(message),
      },
    };
  }
  try {
    approvals.consume({
      sessionId: call.sessionId,
      approvalId: call.approvalId,
      toolCallId: call.toolCallId,
      tool: call.tool,
      arguments: call.arguments,
    });
  } catch (error) {
    if (!ApprovalError.isInstance(error)) throw error;
    const message = `the approval was refused (${error.code}); not run`;
    return {
      kind: 'refuse',
      patch: { status: 'not_run', note: error.code, output: message, modelOutput: notRun(message) },
    };
  }
  store.updateToolCall(key, { approval: 'approved' });
  return { kind: 'run' };
}
