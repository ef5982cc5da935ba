import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AgentTool, ToolContext, ToolEffect, ToolOutput } from '../tools/agent-tool.js';

/**
 * Only the shape is checked here: the arguments are an object. The server validates the rest against
 * its own schema and answers `isError` with its reason, which the model reads.
 */
const anyObject = z.record(z.string(), z.unknown());

/** The schema as the model is shown it: the server's own, always an object at the top. */
function modelSchema(inputSchema: Tool['inputSchema']): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = inputSchema as Record<string, unknown>;
  return { ...rest, type: 'object' };
}

/**
 * One MCP tool in the agent's registry: its prefixed name, the server's description and schema, the
 * effect the agent gave it (never the server's own claims) and output always untrusted: another
 * program wrote it. `call` does the work (the server set checks the pin again and maps failures).
 */
export function createMcpAgentTool(input: {
  name: string;
  definition: Tool;
  effect: ToolEffect | 'unknown';
  call(args: Record<string, unknown>, context: ToolContext): Promise<ToolOutput>;
}): AgentTool<Record<string, unknown>> {
  return {
    name: input.name,
    description: input.definition.description ?? input.definition.title ?? input.definition.name,
    inputSchema: anyObject,
    jsonSchema: modelSchema(input.definition.inputSchema),
    effect: input.effect,
    untrustedOutput: true,
    execute: (args, context) => input.call(args, context),
  };
}
