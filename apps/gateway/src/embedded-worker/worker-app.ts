// The embedded worker's HTTP API: the OpenAI routes a chat/embedding worker serves, /health with its
// counters (the gateway's tests read `aborted` to prove client disconnects reach the model), and a
// client disconnect aborts the generation at once.
import { randomUUID } from 'node:crypto';
import { createServiceApp, errorBody, limitBody, ServiceError } from '@klody/service';
import { streamSSE } from 'hono/streaming';
import type { z } from 'zod';
import { chatRequestSchema, completionRequestSchema, embeddingRequestSchema } from './chat-request.js';
import { ContextLengthExceededError } from './context-length-exceeded-error.js';
import type { GenerationResult, LlamaEngine } from './llama-engine.js';

export interface WorkerCounters {
  requests: number;
  active: number;
  completed: number;
  aborted: number;
  failed: number;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

export interface WorkerAppOptions {
  embeddings: boolean;
  bodyLimitBytes: number;
  /**
   * The key the gateway gave this process (KLODY_WORKER_KEY): every /v1 request must carry it as its
   * bearer, so that the worker's own port does not bypass the gateway. Null for a worker run by hand.
   */
  workerKey: string | null;
}

export function createWorkerApp(engine: LlamaEngine, options: WorkerAppOptions) {
  const counters: WorkerCounters = { requests: 0, active: 0, completed: 0, aborted: 0, failed: 0 };
  // The loopback policy on every route (DNS rebinding, cross-site POSTs), the key on the API, bodies
  // counted while they stream in (a chunked body with no Content-Length is cut at the limit instead of
  // being buffered whole: 1.2 GB of it once grew the worker to 2.5 GB). /health stays open to loopback
  // callers, as llama-server's does, for liveness probes.
  const app = createServiceApp({
    apiKey: options.workerKey,
    protectedPaths: ['/v1/*'],
    mapError: (error) => {
      if (error instanceof ContextLengthExceededError)
        return new ServiceError(error.code, 400, error.message, { fields: { param: error.param } });
      if (error instanceof RangeError) return new ServiceError('invalid_request', 400, error.message);
      return null;
    },
  });
  app.use('/v1/*', limitBody(options.bodyLimitBytes));

  async function readJson(
    request: Request,
  ): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
    const text = await request.text();
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return {
        ok: false,
        response: Response.json(errorBody('invalid_json', (error as Error).message), { status: 400 }),
      };
    }
  }

  /** Runs a generation with an abort signal tied to the client's connection; counts the outcome. */
  async function track<T extends GenerationResult>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    counters.requests++;
    counters.active++;
    try {
      const result = await run();
      if (result.aborted || signal.aborted) counters.aborted++;
      else counters.completed++;
      return result;
    } catch (error) {
      if (signal.aborted) counters.aborted++;
      else counters.failed++;
      throw error;
    } finally {
      counters.active--;
    }
  }

  const usageOf = (result: GenerationResult) => ({
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
  });

  app.get('/health', (c) => c.json({ status: 'ok', model: engine.modelId, ...counters }));
  app.get('/v1/models', (c) =>
    c.json({
      object: 'list',
      data: [{ id: engine.modelId, object: 'model', created: 0, owned_by: 'klody' }],
    }),
  );

  app.post('/v1/chat/completions', async (c) => {
    const body = await readJson(c.req.raw);
    if (!body.ok) return body.response;
    const parsed = chatRequestSchema.safeParse(body.value);
    if (!parsed.success) return c.json(errorBody('invalid_request', describeIssues(parsed.error)), 400);
    const request = parsed.data;
    const generation = engine.prepareChat(request);
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const model = request.model ?? engine.modelId;
    const controller = new AbortController();
    c.req.raw.signal.addEventListener('abort', () => controller.abort(), { once: true });

    if (!request.stream) {
      const result = await track(controller.signal, () => generation.run({ signal: controller.signal }));
      return c.json({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: result.toolCalls.length > 0 && result.text === '' ? null : result.text,
              ...(result.toolCalls.length > 0
                ? {
                    tool_calls: result.toolCalls.map((call) => ({
                      id: call.id,
                      type: 'function',
                      function: { name: call.name, arguments: call.arguments },
                    })),
                  }
                : {}),
            },
            finish_reason: result.finishReason,
          },
        ],
        usage: usageOf(result),
      });
    }

    return streamSSE(c, async (stream) => {
      stream.onAbort(() => controller.abort());
      const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
        JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          choices: [{ index: 0, delta, finish_reason: finishReason }],
        });
      let writing: Promise<unknown> = stream.writeSSE({
        data: chunk({ role: 'assistant', content: '' }, null),
      });
      let result: Awaited<ReturnType<typeof generation.run>>;
      try {
        result = await track(controller.signal, () =>
          generation.run({
            signal: controller.signal,
            onText: (text) => {
              writing = writing.then(() => stream.writeSSE({ data: chunk({ content: text }, null) }));
            },
          }),
        );
      } catch (error) {
        // The status line is sent already: the failure goes in the stream as OpenAI's error chunk,
        // which clients report, instead of a stream that just stops without a finish reason.
        await writing;
        if (controller.signal.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        await stream.writeSSE({
          data: JSON.stringify({
            error: {
              code: 'generation_failed',
              type: 'server_error',
              message: `generation failed: ${message}`,
            },
          }),
        });
        return;
      }
      await writing;
      if (controller.signal.aborted) return;
      if (result.toolCalls.length > 0) {
        await stream.writeSSE({
          data: chunk(
            {
              tool_calls: result.toolCalls.map((call, index) => ({
                index,
                id: call.id,
                type: 'function',
                function: { name: call.name, arguments: call.arguments },
              })),
            },
            null,
          ),
        });
      }
      await stream.writeSSE({ data: chunk({}, result.finishReason) });
      if (request.stream_options?.include_usage) {
        await stream.writeSSE({
          data: JSON.stringify({
            id,
            object: 'chat.completion.chunk',
            created,
            model,
            choices: [],
            usage: usageOf(result),
          }),
        });
      }
      await stream.writeSSE({ data: '[DONE]' });
    });
  });

  app.post('/v1/completions', async (c) => {
    const body = await readJson(c.req.raw);
    if (!body.ok) return body.response;
    const parsed = completionRequestSchema.safeParse(body.value);
    if (!parsed.success) return c.json(errorBody('invalid_request', describeIssues(parsed.error)), 400);
    const request = parsed.data;
    const generation = engine.prepareCompletion(request);
    const id = `cmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const model = request.model ?? engine.modelId;
    const controller = new AbortController();
    c.req.raw.signal.addEventListener('abort', () => controller.abort(), { once: true });
    const prefix = request.echo
      ? typeof request.prompt === 'string'
        ? request.prompt
        : (request.prompt[0] ?? '')
      : '';
    const choice = (text: string, finishReason: string | null) => ({
      index: 0,
      text,
      logprobs: null,
      finish_reason: finishReason,
    });

    if (!request.stream) {
      const result = await track(controller.signal, () => generation.run({ signal: controller.signal }));
      return c.json({
        id,
        object: 'text_completion',
        created,
        model,
        choices: [choice(prefix + result.text, result.finishReason)],
        usage: usageOf(result),
      });
    }
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => controller.abort());
      const chunk = (text: string, finishReason: string | null) =>
        JSON.stringify({
          id,
          object: 'text_completion',
          created,
          model,
          choices: [choice(text, finishReason)],
        });
      let writing: Promise<unknown> = prefix
        ? stream.writeSSE({ data: chunk(prefix, null) })
        : Promise.resolve();
      const result = await track(controller.signal, () =>
        generation.run({
          signal: controller.signal,
          onText: (text) => {
            writing = writing.then(() => stream.writeSSE({ data: chunk(text, null) }));
          },
        }),
      );
      await writing;
      if (controller.signal.aborted) return;
      await stream.writeSSE({ data: chunk('', result.finishReason) });
      if (request.stream_options?.include_usage) {
        await stream.writeSSE({
          data: JSON.stringify({
            id,
            object: 'text_completion',
            created,
            model,
            choices: [],
            usage: usageOf(result),
          }),
        });
      }
      await stream.writeSSE({ data: '[DONE]' });
    });
  });

  app.post('/v1/embeddings', async (c) => {
    if (!options.embeddings)
      return c.json(errorBody('not_supported', 'this worker does not serve embeddings'), 404);
    const body = await readJson(c.req.raw);
    if (!body.ok) return body.response;
    const parsed = embeddingRequestSchema.safeParse(body.value);
    if (!parsed.success) return c.json(errorBody('invalid_request', describeIssues(parsed.error)), 400);
    const inputs = typeof parsed.data.input === 'string' ? [parsed.data.input] : parsed.data.input;
    counters.requests++;
    const { vectors, promptTokens } = await engine.embed(inputs);
    counters.completed++;
    const base64 = parsed.data.encoding_format === 'base64';
    return c.json({
      object: 'list',
      model: parsed.data.model ?? engine.modelId,
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  });

  return { app, counters };
}
