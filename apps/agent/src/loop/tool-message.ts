import type { ToolModelMessage } from 'ai';
import type { ToolCallRecord } from '../store/agent-store.js';

/**
 * The tool message that closes a step: one result per call of the step, in the order the model wrote
 * them (OpenAI requires a result for every call id before the next message).
 */
export function stepToolMessage(calls: readonly ToolCallRecord[]): ToolModelMessage {
  return {
    role: 'tool',
    content: calls.map((call) => ({
      type: 'tool-result' as const,
      toolCallId: call.toolCallId,
      toolName: call.tool,
      output: call.modelOutput ?? { type: 'error-text' as const, value: 'no result' },
    })),
  };
}
