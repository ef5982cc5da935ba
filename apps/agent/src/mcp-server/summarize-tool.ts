// summarize over MCP is the agent's own summarize tool (its prompt, its limits, its language rule);
// only its failures are told differently, naming the gateway and its URL.

import { ToolFailure, textResult } from '@klody/mcp';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ToolError } from '../tools/agent-tool.js';
import { createSummarizeTool, summarizeInputSchema } from '../tools/summarize-tool.js';
import { callAgentTool } from './agent-tool-call.js';
import { gatewayDisabledFailure, gatewayFailure } from './gateway-failure.js';
import { guardKlodyTool } from './guard-klody-tool.js';
import type { KlodyMcpDependencies } from './klody-mcp-dependencies.js';

export function registerSummarizeTool(server: McpServer, dependencies: KlodyMcpDependencies): void {
  const gateway = dependencies.gateway;
  const summarize = gateway
    ? createSummarizeTool({
        model: gateway.model,
        ...(dependencies.summaryTimeoutMs !== undefined ? { timeoutMs: dependencies.summaryTimeoutMs } : {}),
      })
    : null;
  server.registerTool(
    'summarize',
    {
      title: 'Summarize a text with the local model',
      description:
        "Summarizes `text` with the user's local chat model. `style`: brief (default, two or three sentences), detailed (one or two paragraphs) or bullet-points. The summary is in the text's own language unless `language` names another (e.g. English, fr). Texts over 12,000 characters are summarized from their beginning, and the answer says so.",
      inputSchema: summarizeInputSchema.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input, extra) =>
      guardKlodyTool('summarize', dependencies, async () => {
        if (!gateway || !summarize) throw gatewayDisabledFailure();
        try {
          const output = await callAgentTool(summarize, input, extra);
          return textResult(output.text);
        } catch (error) {
          if (!(error instanceof ToolError)) throw error;
          if (error.code === 'model_failed') throw gatewayFailure(gateway.url, error.cause ?? error);
          if (error.code === 'model_timeout')
            throw new ToolFailure(
              `the gateway at ${gateway.url} timed out: ${error.message}`,
              'gateway_timeout',
            );
          throw error;
        }
      }),
  );
}
