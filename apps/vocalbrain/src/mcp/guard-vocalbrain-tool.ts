import { guardTool, ToolFailure } from '@klody/mcp';
import { ServiceError } from '@klody/service';
import { VoiceError } from '@klody/voice';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { VocalBrainMcpServices } from './vocalbrain-mcp-services.js';

/**
 * Runs a tool's work as the HTTP routes would, and says its failures as the HTTP API does: a
 * ServiceError or a VoiceError already carries a sentence written for the caller (an unknown voice
 * with near matches, an engine that exited with its own message, audio that is not audio), so it
 * becomes an `isError` result with that sentence. Anything else is logged (stderr) and answered
 * without its details: no stack or internal path reaches the client.
 */
export function guardVocalBrainTool(
  services: Pick<VocalBrainMcpServices, 'logger'>,
  toolName: string,
  work: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  return guardTool(
    toolName,
    async () => {
      try {
        return await work();
      } catch (error) {
        if (ServiceError.isInstance(error) || VoiceError.isInstance(error))
          throw new ToolFailure(`${toolName} failed: ${error.message}`, error.code);
        throw error;
      }
    },
    (error) => services.logger?.error({ err: error, tool: toolName }, `the MCP tool ${toolName} failed`),
  );
}
