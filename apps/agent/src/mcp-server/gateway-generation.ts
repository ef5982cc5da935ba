// chat and complete: one streamed call to the gateway's OpenAI-compatible `/v1`. Streamed so that the
// agent's model time limits apply as in its own turns: a first token within `firstPartMs` (the gateway
// may be loading the model), then no silence longer than `idleMs`. A gateway that accepts the call and
// then hangs is an error after those limits, never a call that waits for ever.
import { type ModelTimeLimits, watchModelCall } from '../loop/model-time-limits.js';
import { gatewayFailure } from './gateway-failure.js';
import type { McpGateway } from './klody-mcp-dependencies.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What to generate: an answer to a conversation (`/v1/chat/completions`) or a continuation (`/v1/completions`). */
export type GenerationRequest = { messages: ChatMessage[] } | { prompt: string };

export interface GenerationOptions {
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  limits: ModelTimeLimits;
  /** The MCP request's signal: the client cancelled the call. */
  signal?: AbortSignal;
}

export interface Generation {
  text: string;
  /** `stop`, `length` (cut at max_tokens)… as the gateway said, or null. */
  finishReason: string | null;
}

/** Streams one generation from the gateway's chat model; a failure is a ToolFailure naming the gateway. */
export async function generateOverGateway(
  gateway: McpGateway,
  request: GenerationRequest,
  options: GenerationOptions,
): Promise<Generation> {
  const watch = watchModelCall(options.limits, options.signal);
  const settings = {
    model: gateway.chatModel,
    stream: true as const,
    ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.stop && options.stop.length > 0 ? { stop: options.stop } : {}),
  };
  // No retries: a failing gateway is reported at once, the client decides whether to try again.
  const call = { signal: watch.signal, maxRetries: 0 };
  let text = '';
  let finishReason: string | null = null;
  try {
    if ('messages' in request) {
      const stream = await gateway.client.openai.chat.completions.create(
        { ...settings, messages: request.messages },
        call,
      );
      for await (const chunk of stream) {
        watch.touch();
        const choice = chunk.choices[0];
        text += choice?.delta?.content ?? '';
        finishReason = choice?.finish_reason ?? finishReason;
      }
    } else {
      const stream = await gateway.client.openai.completions.create(
        { ...settings, prompt: request.prompt },
        call,
      );
      for await (const chunk of stream) {
        watch.touch();
        const choice = chunk.choices[0];
        text += choice?.text ?? '';
        finishReason = choice?.finish_reason ?? finishReason;
      }
    }
    // The OpenAI client ends an aborted stream quietly, as if the answer were complete: a time limit
    // or a cancellation would pass for a short answer without this check.
    if (watch.signal.aborted) throw watch.signal.reason;
  } catch (error) {
    throw gatewayFailure(gateway.url, watch.timeout() ?? error, options.signal?.aborted ?? false);
  } finally {
    watch.clear();
  }
  return { text, finishReason };
}
