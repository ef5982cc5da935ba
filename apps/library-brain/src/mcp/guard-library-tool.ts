// Every tool's failures as the client sees them: the HTTP API's errors (an unknown book in a filter,
// a damaged database, a gateway that failed) keep their message as an `isError` sentence; anything
// else is a bug, logged here with its stack and answered by @klody/mcp's guard without details.
import { guardTool, ToolFailure } from '@klody/mcp';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { apiErrorFrom } from '../http/api-error-from.js';
import type { Library } from '../library/library.js';
import type { LibraryMcpDependencies } from './library-mcp-dependencies.js';

export function guardLibraryTool(
  toolName: string,
  dependencies: LibraryMcpDependencies,
  work: (library: Library) => Promise<CallToolResult>,
): Promise<CallToolResult> {
  return guardTool(
    toolName,
    async () => {
      try {
        return await work(await dependencies.library);
      } catch (error) {
        const known = apiErrorFrom(error, { gatewayURL: dependencies.gatewayURL });
        if (known) throw new ToolFailure(known.message, known.code);
        throw error;
      }
    },
    (error) => dependencies.logger?.error({ err: error, tool: toolName }, 'MCP tool failed unexpectedly'),
  );
}
