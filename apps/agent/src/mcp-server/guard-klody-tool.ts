import { guardTool, ToolFailure } from '@klody/mcp';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ToolError } from '../tools/agent-tool.js';
import type { KlodyMcpDependencies } from './klody-mcp-dependencies.js';

/**
 * Runs an MCP tool's work: the agent's ToolErrors ("Library Brain is not running at …") and our
 * ToolFailures become `isError` results with their sentence; anything else is logged through
 * `onUnexpected` and reaches the client as "<tool> failed with an internal error", without a stack.
 */
export function guardKlodyTool(
  toolName: string,
  dependencies: Pick<KlodyMcpDependencies, 'onUnexpected'>,
  work: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  return guardTool(
    toolName,
    async () => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof ToolError) throw new ToolFailure(error.message, error.code);
        throw error;
      }
    },
    (error) => dependencies.onUnexpected?.(toolName, error),
  );
}
