import { textResult } from '@klody/mcp';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { gatewayDisabledFailure } from './gateway-failure.js';
import { generateOverGateway } from './gateway-generation.js';
import { guardKlodyTool } from './guard-klody-tool.js';
import type { KlodyMcpDependencies } from './klody-mcp-dependencies.js';

export const completeInput = {
  prompt: z.string().min(1).max(100_000).describe('The text to continue'),
  max_tokens: z.number().int().min(1).max(32_768).optional().describe('Most tokens in the continuation'),
  temperature: z
    .number()
    .min(0)
    .max(2)
    .optional()
    .describe('Sampling temperature, 0 to 2 (the model’s default)'),
  // Four, as OpenAI's API allows: some servers refuse more.
  stop: z
    .array(z.string().min(1).max(100))
    .max(4)
    .optional()
    .describe('Up to 4 sequences where the continuation stops (not included in it)'),
};

export function registerCompleteTool(server: McpServer, dependencies: KlodyMcpDependencies): void {
  server.registerTool(
    'complete',
    {
      title: 'Continue a text with the local model',
      description:
        "Continues `prompt` with the user's local model (a raw text completion through Klody's gateway, no chat formatting) and returns only the continuation. Use `chat` for questions and instructions.",
      inputSchema: completeInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ prompt, max_tokens, temperature, stop }, extra) =>
      guardKlodyTool('complete', dependencies, async () => {
        const gateway = dependencies.gateway;
        if (!gateway) throw gatewayDisabledFailure();
        const { text } = await generateOverGateway(
          gateway,
          { prompt },
          {
            ...(max_tokens !== undefined ? { maxTokens: max_tokens } : {}),
            ...(temperature !== undefined ? { temperature } : {}),
            ...(stop ? { stop } : {}),
            limits: dependencies.modelTimeLimits,
            signal: extra.signal,
          },
        );
        // A continuation may be empty (the model stopped at once): that is an answer, not a failure.
        return textResult(text);
      }),
  );
}
