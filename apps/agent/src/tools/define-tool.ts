import type { z } from 'zod';
import type { AgentTool, ToolContext, ToolEffect, ToolOutput } from './agent-tool.js';

/**
 * An AgentTool whose `execute` input type is inferred from its zod schema, so a tool file states
 * its schema once. The result is a plain AgentTool: the registry and the loop know nothing else.
 */
export function defineTool<Schema extends z.ZodType>(tool: {
  name: string;
  description: string;
  inputSchema: Schema;
  effect: ToolEffect;
  untrustedOutput: boolean;
  alwaysAsks?: boolean;
  execute(input: z.output<Schema>, context: ToolContext): Promise<ToolOutput>;
}): AgentTool<z.output<Schema>> {
  return tool as AgentTool<z.output<Schema>>;
}
