// Library Brain as an OpenAI-compatible server: GET /v1/models (one model, `library-brain`) and
// POST /v1/chat/completions, whole or streamed, so that Open WebUI, an IDE or the openai SDK can
// ask the books. The answer keeps its [n] markers, lists its sources in the text, and carries them
// as data in `citations`. Errors keep our `{ error: { code, message } }` and add OpenAI's `type`.
import { randomUUID } from 'node:crypto';
import {
  limitBody,
  parseRequest,
  readJsonBody,
  requireBearerKey,
  type ServiceEnv,
  ServiceError,
  type ServiceLogger,
} from '@klody/service';
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Answer, Library } from '../library/library.js';
import { apiError } from './api-error.js';
import { apiErrorFrom } from './api-error-from.js';
import {
  answerDetails,
  chatCompletionBody,
  estimatedUsage,
  historyKey,
  libraryModel,
  openAiErrorType,
  questionOf,
  sourcesText,
  structuredCitations,
} from './openai-chat.js';

export interface OpenAiRoutesOptions {
  library: Library;
  /** The bearer key /v1/* asks for, as /api/* does; null: none. */
  apiKey?: string | null;
  gatewayURL?: string | null;
  logger?: ServiceLogger;
}

/** Conversations remembered by the history that leads to them (clients send the whole history). */
const rememberedConversations = 1_000;
const bodyLimitBytes = 1024 * 1024;

export function registerOpenAiRoutes(app: Hono<ServiceEnv>, options: OpenAiRoutesOptions): void {
  const { library, apiKey = null, gatewayURL = null, logger } = options;
  const created = Math.floor(Date.now() / 1000);
  const conversationByHistory = new Map<string, string>();

  if (apiKey) app.use('/v1/*', requireBearerKey(apiKey));
  // OpenAI's clients read `error.type` too: every error answered under /v1 gets it beside our code.
  app.use('/v1/*', async (context, next) => {
    await next();
    const response = context.res;
    if (response.status < 400 || !response.headers.get('content-type')?.includes('application/json')) return;
    const body = (await response
      .clone()
      .json()
      .catch(() => null)) as { error?: Record<string, unknown> } | null;
    if (!body?.error || typeof body.error !== 'object' || 'type' in body.error) return;
    context.res = new Response(
      JSON.stringify({ error: { ...body.error, type: openAiErrorType(response.status), param: null } }),
      { status: response.status, headers: response.headers },
    );
  });

  app.get('/v1/models', (context) =>
    context.json({
      object: 'list',
      data: [{ id: libraryModel, object: 'model', created, owned_by: 'klody' }],
    }),
  );
  app.get('/v1/models/:model', (context) => {
    const model = context.req.param('model');
    if (model !== libraryModel)
      throw new ServiceError(
        'not_found',
        404,
        `no model "${model}": Library Brain serves "${libraryModel}"`,
        {
          fields: { param: 'model' },
        },
      );
    return context.json({ id: libraryModel, object: 'model', created, owned_by: 'klody' });
  });

  function remember(key: string | null, conversationId: string): void {
    if (!key) return;
    conversationByHistory.delete(key);
    conversationByHistory.set(key, conversationId);
    if (conversationByHistory.size > rememberedConversations)
      conversationByHistory.delete(conversationByHistory.keys().next().value as string);
  }

  app.post('/v1/chat/completions', limitBody(bodyLimitBytes), async (context) => {
    const body = parseRequest(chatCompletionBody, await readJsonBody(context.req.raw));
    if (body.model !== libraryModel)
      throw new ServiceError(
        'not_found',
        404,
        `no model "${body.model}": Library Brain serves "${libraryModel}"`,
        {
          fields: { param: 'model' },
        },
      );
    const asked = questionOf(body.messages);
    if ('problem' in asked) throw apiError('invalid_request', asked.problem);
    const { question, history } = asked;
    // A follow-up: the conversation whose last answer ends the history sent. A history Library
    // Brain did not answer (another server's, or from before a restart) starts a new conversation.
    const conversationId = conversationByHistory.get(historyKey(history) ?? '') ?? undefined;
    const filter = body.filter;
    const id = `chatcmpl-${randomUUID()}`;
    const completed = (answer: Answer, content: string) =>
      remember(historyKey([...body.messages, { role: 'assistant', content }]), answer.conversationId);

    if (!body.stream) {
      const answer = await library.ask(question, {
        ...(filter ? { filter } : {}),
        ...(conversationId ? { conversationId } : {}),
        signal: context.req.raw.signal,
      });
      const content = answer.answer + sourcesText(answer.citations, answer.language);
      completed(answer, content);
      return context.json({
        id,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: libraryModel,
        choices: [
          { index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null },
        ],
        usage: estimatedUsage(question, content),
        citations: structuredCitations(answer.citations),
        library_brain: answerDetails(answer),
      });
    }

    return streamSSE(context, async (sse) => {
      const controller = new AbortController();
      sse.onAbort(() => controller.abort());
      const chunk = (
        delta: Record<string, unknown>,
        finish: string | null,
        extra: Record<string, unknown> = {},
      ) =>
        sse.writeSSE({
          data: JSON.stringify({
            id,
            object: 'chat.completion.chunk',
            created: Math.floor(Date.now() / 1000),
            model: libraryModel,
            choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
            ...extra,
          }),
        });
      let streamed = '';
      // Writes are queued so that the chunks keep their order.
      let writing: Promise<unknown> = chunk({ role: 'assistant', content: '' }, null);
      const send = (text: string) => {
        streamed += text;
        writing = writing.then(() => chunk({ content: text }, null));
      };
      try {
        const answer = await library.ask(question, {
          ...(filter ? { filter } : {}),
          ...(conversationId ? { conversationId } : {}),
          signal: controller.signal,
          onToken: send,
          // What was streamed cannot be taken back: the reader is told why the answer starts again.
          onFallback: (fallback) => send(`\n\n[${fallback.code}: ${fallback.message}]\n\n`),
          // Long whole-book answers: comments keep the connection alive and show how far it is.
          onProgress: (progress) => {
            writing = writing.then(() =>
              sse.write(`: ${progress.stage} ${progress.done}/${progress.total}\n\n`),
            );
          },
        });
        const sources = sourcesText(answer.citations, answer.language);
        if (sources) send(sources);
        await writing;
        completed(answer, streamed);
        await chunk({}, 'stop', {
          citations: structuredCitations(answer.citations),
          library_brain: answerDetails(answer),
          usage: estimatedUsage(question, streamed),
        });
        await sse.writeSSE({ data: '[DONE]' });
      } catch (error) {
        if (controller.signal.aborted) return;
        await writing.catch(() => {});
        // The status is already sent: the error is the stream's last event, in OpenAI's shape.
        let known = apiErrorFrom(error, { gatewayURL });
        if (!known) {
          logger?.error(
            { err: error, requestId: context.get('requestId') },
            'chat completion failed while streaming',
          );
          known = apiError('internal_error', 'the service failed unexpectedly; see its log');
        }
        await sse.writeSSE({
          data: JSON.stringify({
            error: {
              code: known.code,
              message: known.message,
              type: openAiErrorType(known.status),
              param: null,
            },
          }),
        });
      }
    });
  });
}
