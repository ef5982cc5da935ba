import type { ToolContext } from '../agent-tool.js';

/** What the loop passes a tool with each call, for tests that call a tool directly. */
export function toolCallContext(toolCallId = 'call-1'): ToolContext {
  return { sessionId: 's1', toolCallId, signal: new AbortController().signal };
}
