import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerChatTool } from './chat-tool.js';
import { registerCompleteTool } from './complete-tool.js';
import { registerHealthTool } from './health-tool.js';
import type { KlodyMcpDependencies } from './klody-mcp-dependencies.js';
import { registerRecallTool, registerRememberTool } from './memory-tools.js';
import { registerRagQueryTool } from './rag-query-tool.js';
import { registerSummarizeTool } from './summarize-tool.js';

/** The server's version as clients see it in `initialize`: bump it when a tool's contract changes. */
export const klodyMcpServerVersion = '1.0.0';

const instructions =
  "Klody is the user's local AI: every tool runs on this machine. chat, complete and summarize use the user's local model; rag_query answers from the user's books with citations; remember and recall are Klody's long-term memory of the user; health says which of Klody's services are up when a tool fails.";

/**
 * Klody as an MCP server: chat, complete, summarize, rag_query, health, remember and recall. Cheap to
 * build (clients and memory come in `dependencies`), so the HTTP transport builds one per request.
 */
export function createKlodyMcpServer(dependencies: KlodyMcpDependencies): McpServer {
  const server = new McpServer({ name: 'klody', version: klodyMcpServerVersion }, { instructions });
  registerChatTool(server, dependencies);
  registerCompleteTool(server, dependencies);
  registerSummarizeTool(server, dependencies);
  registerRagQueryTool(server, dependencies);
  registerHealthTool(server, dependencies);
  registerRememberTool(server, dependencies);
  registerRecallTool(server, dependencies);
  return server;
}
