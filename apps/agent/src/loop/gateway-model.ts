import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { ModelObject } from './model-object.js';

export interface GatewayModelOptions {
  /** The gateway's base URL, with or without `/v1` (KLODY_GATEWAY_URL has it without). */
  baseURL: string;
  apiKey?: string;
  /** The chat model's alias at the gateway (KLODY_CHAT_MODEL, `brain` by default). */
  model: string;
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/**
 * The chat model as a provider instance on the gateway's OpenAI-compatible `/v1`. Never a bare model
 * id: the AI SDK resolves a string through its global provider, which is Vercel's cloud gateway.
 */
export function createGatewayModel(options: GatewayModelOptions): ModelObject {
  const root = options.baseURL.replace(/\/+$/, '').replace(/\/v1$/, '');
  const provider = createOpenAICompatible({
    name: 'klody-gateway',
    baseURL: `${root}/v1`,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    includeUsage: true,
  });
  return provider.chatModel(options.model);
}
