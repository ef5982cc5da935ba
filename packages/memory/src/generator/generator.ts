import type { ChatMessage } from './chat-message.js';

export interface GenerateOptions {
  signal?: AbortSignal;
  maxTokens?: number;
  temperature?: number;
}

/** Chat messages in, text out, whole or streamed. */
export interface Generator {
  readonly id: string;
  generate(messages: readonly ChatMessage[], options?: GenerateOptions): Promise<string>;
  stream(messages: readonly ChatMessage[], options?: GenerateOptions): AsyncIterable<string>;
}
