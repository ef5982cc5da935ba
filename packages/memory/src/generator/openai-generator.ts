import { createParser } from 'eventsource-parser';
import { MemoryError } from '../errors/index.js';
import { openAiUrl, postOpenAiJson } from '../openai/post-openai-json.js';
import type { Generator } from './generator.js';
import { createStreamDeadline, type StreamDeadline } from './stream-deadline.js';

export interface OpenAiGeneratorOptions {
  /** Server base URL without `/v1` (the gateway or any OpenAI-compatible server). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  fetch?: typeof fetch;
  /** Longest a whole request may take, in ms (default 300 s). */
  timeoutMs?: number;
  /**
   * Longest wait for the first token, in ms: for `stream`, until the first event carrying text; for
   * `generate`, until the whole answer (it is its first token). Default: none beyond `timeoutMs`.
   */
  firstTokenTimeoutMs?: number;
  /** Longest silence between two events of a stream once it has started, in ms. Default: none. */
  idleTimeoutMs?: number;
  /** Default max_tokens (default 512). */
  maxTokens?: number;
}

interface ChatCompletion {
  choices?: { message?: { content?: unknown } }[];
}

interface CompletionChunk {
  choices?: { delta?: { content?: unknown; reasoning_content?: unknown }; finish_reason?: unknown }[];
}

const seconds = (milliseconds: number) => `${Math.round(milliseconds) / 1000} s`;

/** The start of a body, on one line, for error messages. */
function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 120)}…` : line || '(empty)';
}

/**
 * `/v1/chat/completions`, whole (`generate`) or streamed over SSE (`stream`). Whatever the server
 * does wrong — HTML or JSON of another shape with status 200, invalid event data, a stream cut
 * before `[DONE]`, no text at all, silence past a time limit — is a `generator_failed` MemoryError
 * naming the URL (with a `TimeoutError` cause for the time limits), never an empty answer; a
 * cancelled `signal` is `aborted`.
 */
export function createOpenAiGenerator(options: OpenAiGeneratorOptions): Generator {
  const url = openAiUrl(options.baseUrl, 'chat/completions');

  function post(
    body: Record<string, unknown>,
    signal: AbortSignal | undefined,
    deadline: StreamDeadline,
  ): Promise<Response> {
    return postOpenAiJson(
      options,
      url,
      { model: options.model, ...body },
      {
        signal,
        timeoutMs: options.timeoutMs ?? 300_000,
        failure: 'generator_failed',
        what: 'generation',
        limit: deadline.signal,
      },
    );
  }

  /** A failure while reading the body: the caller's cancellation, a time limit, or a broken connection. */
  function readFailure(
    error: unknown,
    signal: AbortSignal | undefined,
    deadline: StreamDeadline,
  ): MemoryError {
    if (MemoryError.isInstance(error)) return error;
    if (signal?.aborted) return new MemoryError('aborted', 'generation aborted', { cause: error });
    if (deadline.signal.aborted) {
      const reason = deadline.signal.reason as Error;
      return new MemoryError('generator_failed', `${url}: ${reason.message}`, { cause: reason });
    }
    return new MemoryError(
      'generator_failed',
      `${url}: the answer broke off (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }

  /** The message content of a whole chat completion, or a clear error saying what came instead. */
  function completionContent(response: Response, text: string): string {
    const contentType = response.headers.get('content-type') ?? 'no content type';
    let json: ChatCompletion | null = null;
    try {
      json = JSON.parse(text) as ChatCompletion | null;
    } catch {
      throw new MemoryError(
        'generator_failed',
        `${url} answered ${response.status} with ${contentType}, not a chat completion: ${excerpt(text)}`,
      );
    }
    const content = json?.choices?.[0]?.message?.content;
    if (typeof content !== 'string')
      throw new MemoryError('generator_failed', `${url} returned no message content: ${excerpt(text)}`);
    if (content.trim().length === 0)
      throw new MemoryError('generator_failed', `${url} returned an empty answer`);
    return content;
  }

  const requestBody = (
    generateOptions: { maxTokens?: number; temperature?: number } | undefined,
    stream: boolean,
  ) => ({
    max_tokens: generateOptions?.maxTokens ?? options.maxTokens ?? 512,
    temperature: generateOptions?.temperature ?? 0.2,
    stream,
  });

  return {
    id: `openai:${options.model}`,
    async generate(messages, generateOptions) {
      const signal = generateOptions?.signal;
      const deadline = createStreamDeadline();
      if (options.firstTokenTimeoutMs !== undefined)
        deadline.arm(
          options.firstTokenTimeoutMs,
          `no answer within ${seconds(options.firstTokenTimeoutMs)} (first-token limit)`,
        );
      try {
        const response = await post({ messages, ...requestBody(generateOptions, false) }, signal, deadline);
        let text: string;
        try {
          text = await response.text();
        } catch (error) {
          throw readFailure(error, signal, deadline);
        }
        return completionContent(response, text);
      } finally {
        deadline.clear();
      }
    },
    async *stream(messages, generateOptions) {
      const signal = generateOptions?.signal;
      const deadline = createStreamDeadline();
      if (options.firstTokenTimeoutMs !== undefined)
        deadline.arm(
          options.firstTokenTimeoutMs,
          `no first token within ${seconds(options.firstTokenTimeoutMs)} (first-token limit)`,
        );
      try {
        const response = await post({ messages, ...requestBody(generateOptions, true) }, signal, deadline);
        const contentType = response.headers.get('content-type') ?? '';
        if (!/^text\/event-stream/i.test(contentType)) {
          let text: string;
          try {
            text = await response.text();
          } catch (error) {
            throw readFailure(error, signal, deadline);
          }
          // Some servers ignore `stream: true` and answer whole: that is still an answer.
          if (/json/i.test(contentType)) {
            yield completionContent(response, text);
            return;
          }
          throw new MemoryError(
            'generator_failed',
            `${url} answered ${response.status} with ${contentType || 'no content type'} instead of an event stream: ${excerpt(text)}`,
          );
        }
        if (!response.body) throw new MemoryError('generator_failed', `${url} sent no body`);
        const pieces: string[] = [];
        let done = false;
        let finished = false;
        let started = false;
        let produced = false;
        let invalid: MemoryError | null = null;
        const parser = createParser({
          onEvent(event) {
            if (invalid || done) return;
            if (event.data === '[DONE]') {
              done = true;
              return;
            }
            let json: CompletionChunk;
            try {
              json = JSON.parse(event.data) as CompletionChunk;
            } catch {
              invalid = new MemoryError(
                'generator_failed',
                `${url} sent an event that is not JSON: ${excerpt(event.data)}`,
              );
              return;
            }
            const choice = json?.choices?.[0];
            const piece = choice?.delta?.content;
            const thinking = choice?.delta?.reasoning_content;
            if (typeof choice?.finish_reason === 'string') finished = true;
            if (typeof piece === 'string' && piece.length > 0) {
              pieces.push(piece);
              produced = true;
            }
            // A reasoning model "thinks" before it answers: its first thought counts as the first token.
            if (!started && (produced || (typeof thinking === 'string' && thinking.length > 0)))
              started = true;
            if (started && options.idleTimeoutMs !== undefined)
              deadline.arm(
                options.idleTimeoutMs,
                `nothing for ${seconds(options.idleTimeoutMs)} in the middle of the answer (idle limit)`,
              );
          },
        });
        const decoder = new TextDecoder();
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        // The deadline cancels a read that waits too long (undici errors the body when the request's
        // signal fires, but only once the next chunk is awaited: cancel explicitly as well).
        const cancelOnDeadline = () => void reader.cancel(deadline.signal.reason).catch(() => undefined);
        deadline.signal.addEventListener('abort', cancelOnDeadline, { once: true });
        try {
          while (!done) {
            let chunk: Awaited<ReturnType<typeof reader.read>>;
            try {
              chunk = await reader.read();
            } catch (error) {
              throw readFailure(error, signal, deadline);
            }
            if (deadline.signal.aborted) throw readFailure(deadline.signal.reason, signal, deadline);
            if (chunk.done) break;
            parser.feed(decoder.decode(chunk.value, { stream: true }));
            if (invalid) throw invalid;
            while (pieces.length > 0) yield pieces.shift() as string;
          }
        } finally {
          deadline.signal.removeEventListener('abort', cancelOnDeadline);
          if (!done) await reader.cancel().catch(() => undefined);
          reader.releaseLock();
        }
        while (pieces.length > 0) yield pieces.shift() as string;
        if (!done && !finished)
          throw new MemoryError(
            'generator_failed',
            `${url}: the event stream ended before [DONE] (the answer is incomplete)`,
          );
        if (!produced) throw new MemoryError('generator_failed', `${url} streamed no text`);
      } finally {
        deadline.clear();
      }
    },
  };
}
