import { createParser } from 'eventsource-parser';
import { MemoryError } from '../errors/index.js';
import { openAiUrl, postOpenAiJson } from '../openai/post-openai-json.js';
import type { Generator } from './generator.js';

export interface OpenAiGeneratorOptions {
  /** Server base URL without `/v1` (the gateway or any OpenAI-compatible server). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Default max_tokens (default 512). */
  maxTokens?: number;
}

/** `/v1/chat/completions`, whole (`generate`) or streamed over SSE (`stream`). */
export function createOpenAiGenerator(options: OpenAiGeneratorOptions): Generator {
  const url = openAiUrl(options.baseUrl, 'chat/completions');

  function post(body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Response> {
    return postOpenAiJson(
      options,
      url,
      { model: options.model, ...body },
      { signal, timeoutMs: options.timeoutMs ?? 300_000, failure: 'generator_failed', what: 'generation' },
    );
  }

  return {
    id: `openai:${options.model}`,
    async generate(messages, generateOptions) {
      const response = await post(
        {
          messages,
          max_tokens: generateOptions?.maxTokens ?? options.maxTokens ?? 512,
          temperature: generateOptions?.temperature ?? 0.2,
          stream: false,
        },
        generateOptions?.signal,
      );
      const json = (await response.json().catch(() => null)) as {
        choices?: { message?: { content?: string } }[];
      } | null;
      const content = json?.choices?.[0]?.message?.content;
      if (typeof content !== 'string')
        throw new MemoryError('generator_failed', `${url} returned no message content`);
      return content;
    },
    async *stream(messages, generateOptions) {
      const response = await post(
        {
          messages,
          max_tokens: generateOptions?.maxTokens ?? options.maxTokens ?? 512,
          temperature: generateOptions?.temperature ?? 0.2,
          stream: true,
        },
        generateOptions?.signal,
      );
      if (!response.body) throw new MemoryError('generator_failed', `${url} sent no body`);
      const pieces: string[] = [];
      let done = false;
      const parser = createParser({
        onEvent(event) {
          if (event.data === '[DONE]') {
            done = true;
            return;
          }
          const json = JSON.parse(event.data) as { choices?: { delta?: { content?: string } }[] };
          const piece = json.choices?.[0]?.delta?.content;
          if (piece) pieces.push(piece);
        },
      });
      const decoder = new TextDecoder();
      for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(bytes, { stream: true }));
        while (pieces.length > 0) yield pieces.shift() as string;
        if (done) break;
      }
      while (pieces.length > 0) yield pieces.shift() as string;
    },
  };
}
