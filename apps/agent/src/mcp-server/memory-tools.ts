// remember and recall over MCP are the agent's own tools on its semantic memory in agent.db: what an
// MCP client remembers, the agent recalls in its own conversations, and the other way round.
import { textResult } from '@klody/mcp';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createRecallTool, createRememberTool } from '../tools/memory-tools.js';
import { agentToolShape, callAgentTool } from './agent-tool-call.js';
import { guardKlodyTool } from './guard-klody-tool.js';
import type { KlodyMcpDependencies } from './klody-mcp-dependencies.js';

export function registerRememberTool(server: McpServer, dependencies: KlodyMcpDependencies): void {
  const remember = createRememberTool(dependencies.memory);
  server.registerTool(
    'remember',
    {
      title: 'Remember a fact',
      description:
        "Stores a fact about the user or their world in Klody's long-term memory (on this machine), for `recall` and for Klody's agent in later conversations. One short sentence per fact; a fact already known is not stored twice.",
      inputSchema: agentToolShape(remember),
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    (input, extra) =>
      guardKlodyTool('remember', dependencies, async () => {
        const output = await callAgentTool(remember, input, extra);
        return textResult(output.text);
      }),
  );
}

export function registerRecallTool(server: McpServer, dependencies: KlodyMcpDependencies): void {
  const recall = createRecallTool(dependencies.memory);
  server.registerTool(
    'recall',
    {
      title: 'Recall memories',
      description:
        "Finds what Klody's long-term memory holds about a topic: facts stored with `remember` and summaries of past conversations with Klody's agent, each with its number (#12). Memories may have been written from documents, not only by the user.",
      inputSchema: agentToolShape(recall),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input, extra) =>
      guardKlodyTool('recall', dependencies, async () => {
        const output = await callAgentTool(recall, input, extra);
        return textResult(output.text);
      }),
  );
}
