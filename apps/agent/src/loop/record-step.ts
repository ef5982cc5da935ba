import { randomUUID } from 'node:crypto';
import type { AssistantContent } from 'ai';
import type { AgentEvent } from '../agent/agent-events.js';
import { argumentsHash } from '../approvals/canonical-arguments.js';
import { type ToolCallRecord, type TurnRecord, toStepRecord } from '../store/agent-store.js';
import type { LoopContext } from './loop-context.js';
import type { ModelToolCall } from './model-step.js';
import { parseToolArguments } from './tool-arguments.js';

const callKey = (tool: string, hash: string) => `${tool}\n${hash}`;

/**
 * Stores one model step — its assistant message and one row per tool call — in one transaction, and
 * settles at once the calls that will never run: an unknown tool (never repaired), arguments still
 * invalid after the local repair (the first time the model is told the error and asked again; the
 * second time the call fails and the turn stops), and the same tool with the same canonical arguments
 * as an earlier call of the turn (not run; the turn stops). The other calls wait in `waiting` for
 * `settleStep`, which decides their approvals and runs them.
 */
export function recordStep(
  context: LoopContext,
  turn: TurnRecord,
  step: number,
  text: string,
  calls: readonly ModelToolCall[],
): AgentEvent[] {
  const { store } = context;
  const events: AgentEvent[] = [];
  // Read now, not when the model was called: a tool disabled meanwhile is refused.
  const current = context.tools.current();
  const available = [...current.byName.keys()].join(', ');
  return store.transaction(() => {
    const earlier = store.toolCalls(turn.id);
    const seen = new Set(
      earlier
        .filter((call) => call.argumentsHash !== null && call.note !== 'repeated')
        .map((call) => callKey(call.tool, call.argumentsHash as string)),
    );
    const reasked = new Set(earlier.filter((call) => call.note === 'reask').map((call) => call.tool));
    const usedIds = new Set<string>();
    const rows: ToolCallRecord[] = [];
    const at = context.now();
    calls.forEach((call, position) => {
      // The approval is bound to the call id: an id the model reuses (small models write call_0 every
      // time) gets a fresh one, so that a new call can never meet an old call's approval.
      let toolCallId = call.toolCallId;
      if (!toolCallId || usedIds.has(toolCallId) || store.toolCallIdUsed(turn.sessionId, toolCallId)) {
        toolCallId = `call_${randomUUID()}`;
      }
      usedIds.add(toolCallId);
      const row: ToolCallRecord = {
        sessionId: turn.sessionId,
        turnId: turn.id,
        step,
        position,
        toolCallId,
        tool: call.toolName,
        arguments: call.input ?? null,
        argumentsHash: null,
        effect: 'unknown',
        approval: 'not_needed',
        approvalId: null,
        approvalReason: null,
        approvalExpiresAt: null,
        status: 'waiting',
        note: null,
        output: null,
        modelOutput: null,
        repaired: false,
        createdAt: at,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
      };
      const tool = current.byName.get(call.toolName);
      const unavailable = current.unavailable.get(call.toolName);
      if (!tool && unavailable !== undefined) {
        // Known but not offered (an MCP tool whose definition changed): never run, and said why.
        const message = `${call.toolName} is not available: ${unavailable}`;
        Object.assign(row, { status: 'not_run', note: 'tool_unavailable', output: message });
        row.modelOutput = { type: 'error-text', value: message };
      } else if (!tool) {
        const message = `unknown tool ${call.toolName}; available: ${available}`;
        Object.assign(row, { status: 'failed', note: 'unknown_tool', output: message });
        row.modelOutput = { type: 'error-text', value: message };
      } else {
        row.effect = tool.effect;
        const parsed = parseToolArguments(tool, call.input);
        if (!parsed.ok) {
          const firstTime = !reasked.has(tool.name);
          reasked.add(tool.name);
          const message = `invalid arguments for ${tool.name}: ${parsed.error}`;
          Object.assign(row, { status: 'failed', note: firstTime ? 'reask' : 'invalid', output: message });
          row.modelOutput = {
            type: 'error-text',
            value: firstTime
              ? `${message}\nCall ${tool.name} again with arguments that match its schema.`
              : `${message}\nThe call was not run.`,
          };
        } else {
          row.arguments = parsed.value;
          row.repaired = parsed.repaired;
          row.argumentsHash = argumentsHash(parsed.value);
          const key = callKey(tool.name, row.argumentsHash);
          if (seen.has(key)) {
            const message = `not run: ${tool.name} was already called with the same arguments in this turn`;
            Object.assign(row, { status: 'not_run', note: 'repeated', output: message });
            row.modelOutput = { type: 'error-text', value: `${message}; its result is above.` };
          } else {
            seen.add(key);
          }
        }
      }
      if (row.status !== 'waiting') row.finishedAt = at;
      rows.push(row);
    });
    const content: AssistantContent = [
      ...(text ? [{ type: 'text' as const, text }] : []),
      ...rows.map((row) => ({
        type: 'tool-call' as const,
        toolCallId: row.toolCallId,
        toolName: row.tool,
        input: row.arguments,
      })),
    ];
    store.addMessage({
      sessionId: turn.sessionId,
      turnId: turn.id,
      message: { role: 'assistant', content },
      at,
    });
    for (const row of rows) {
      store.addToolCall(row);
      events.push({
        type: 'tool-call',
        toolCallId: row.toolCallId,
        tool: row.tool,
        arguments: row.arguments,
        effect: row.effect,
      });
      if (row.status !== 'waiting') events.push({ type: 'tool-result', step: toStepRecord(row) });
    }
    return events;
  });
}
