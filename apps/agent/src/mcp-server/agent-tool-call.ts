// The agent's own tools (remember, recall, summarize) served as MCP tools: the same zod schema (its
// raw shape, which the SDK validates and publishes), the same code, the same answers.
import { z } from 'zod';
import type { AgentTool, ToolOutput } from '../tools/agent-tool.js';

/** The raw shape of an agent tool's `z.object` input schema, as `registerTool` wants it. */
export function agentToolShape(tool: AgentTool<unknown>): z.ZodRawShape {
  if (!(tool.inputSchema instanceof z.ZodObject))
    throw new TypeError(`${tool.name}'s input schema is not a z.object: it cannot be served over MCP`);
  return tool.inputSchema.shape;
}

/** What the SDK hands a tool callback besides the arguments: the request's id and cancellation. */
export interface McpRequestExtra {
  requestId: string | number;
  signal: AbortSignal;
}

/**
 * Runs an agent tool for one MCP request. `input` is what the SDK parsed with the tool's own shape
 * (`agentToolShape`), so it is the tool's input: only its static type was lost on the way.
 */
export function callAgentTool<Input>(
  tool: AgentTool<Input>,
  input: unknown,
  extra: McpRequestExtra,
): Promise<ToolOutput> {
  return tool.execute(input as Input, {
    // The agent's tools only use these to log and to stop: an MCP call belongs to no agent session.
    sessionId: 'mcp',
    toolCallId: `mcp-${extra.requestId}`,
    signal: extra.signal,
  });
}
