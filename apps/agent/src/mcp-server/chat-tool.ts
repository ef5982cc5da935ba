import { ToolFailure, textResult } from '@klody/mcp';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { gatewayDisabledFailure } from './gateway-failure.js';
import { generateOverGateway } from './gateway-generation.js';
import { guardKlodyTool } from './guard-klody-tool.js';
import type { KlodyMcpDependencies } from './klody-mcp-dependencies.js';

/** Bounds that keep one call within what a small local model's context can take. */
const messageCharacters = 100_000;
const mostMessages = 200;

export const chatInput = {
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'user', 'assistant']),
        content: z.string().max(messageCharacters),
      }),
    )
    .min(1)
    .max(mostMessages)
    .describe('The conversation so far, oldest first, ending with the message to answer'),
  temperature: z
    .number()
    .min(0)
    .max(2)
    .optional()
    .describe('Sampling temperature, 0 to 2 (the model’s default)'),
  max_tokens: z.number().int().min(1).max(32_768).optional().describe('Most tokens in the answer'),
};

export function registerChatTool(server: McpServer, dependencies: KlodyMcpDependencies): void {
  server.registerTool(
    'chat',
    {
      title: 'Chat with the local model',
      description:
        "Answers a conversation with the user's local chat model (Klody's gateway, model alias from KLODY_CHAT_MODEL). Give the whole history in `messages` (system, user and assistant turns); returns the assistant's next message. Everything runs on this machine.",
      inputSchema: chatInput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ messages, temperature, max_tokens }, extra) =>
      guardKlodyTool('chat', dependencies, async () => {
        const gateway = dependencies.gateway;
        if (!gateway) throw gatewayDisabledFailure();
        const { text } = await generateOverGateway(
          gateway,
          { messages },
          {
            ...(temperature !== undefined ? { temperature } : {}),
            ...(max_tokens !== undefined ? { maxTokens: max_tokens } : {}),
            limits: dependencies.modelTimeLimits,
            signal: extra.signal,
          },
        );
        const answer = text.trim();
        if (answer.length === 0)
          throw new ToolFailure(
            `the chat model "${gateway.chatModel}" at the gateway ${gateway.url} gave an empty answer`,
            'empty_answer',
          );
        return textResult(answer);
      }),
  );
}
