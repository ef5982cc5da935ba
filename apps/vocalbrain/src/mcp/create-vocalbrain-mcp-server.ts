import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerFindTrackTool } from './find-track-tool.js';
import { registerSpeakTool } from './speak-tool.js';
import { registerTranscribeTool } from './transcribe-tool.js';
import type { VocalBrainMcpServices } from './vocalbrain-mcp-services.js';

/** Apps are private and unversioned: the server says the package's version as it is. */
const serverVersion = '0.0.0';

/**
 * VocalBrain as an MCP server: `speak`, `transcribe` and `find_track`, on the same services the HTTP
 * routes use. Cheap to make (the services are built once): the HTTP transport makes one per request.
 */
export function createVocalBrainMcpServer(services: VocalBrainMcpServices): McpServer {
  const server = new McpServer(
    { name: 'vocalbrain', version: serverVersion },
    {
      instructions:
        "VocalBrain is the user's local speech organ: speak turns text into audio, transcribe turns audio into text, find_track searches the user's audio library by description.",
    },
  );
  registerSpeakTool(server, services);
  registerTranscribeTool(server, services);
  registerFindTrackTool(server, services);
  return server;
}
