// A scripted OpenAI-compatible chat server standing in for the gateway in the interfaces' end-to-end
// tests: a real node:http server on loopback that answers /v1/chat/completions with the next scripted
// reply, streamed as OpenAI's chunks (text pieces, tool calls), and records every request it got.
// /v1/completions (raw text completion) answers from the same replies.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted model reply: text in pieces and/or tool calls (arguments as an object or raw text). */
export interface ScriptedReply {
  text?: string[];
  toolCalls?: { name: string; arguments: unknown; id?: string }[];
  /** Sends the first pieces, then holds the response open until the client leaves. */
  hang?: boolean;
  /** Pause between two chunks, in ms (text that visibly streams). */
  delayMs?: number;
}

export interface RecordedChatRequest {
  body: {
    model: string;
    stream?: boolean;
    messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { function: { name: string } }[];
  };
  /** True once the client closed the connection before the reply was complete. */
  aborted: boolean;
}

/** A raw text completion request (`/v1/completions`), answered from the same scripted replies. */
export interface RecordedCompletionRequest {
  body: { model: string; prompt: string; stream?: boolean; max_tokens?: number; stop?: string[] };
}

export interface FakeOpenAIServer {
  /** `http://127.0.0.1:<port>`: what KLODY_GATEWAY_URL names (without /v1). */
  url: string;
  /** Replies still to be given, in order; tests push more as they go. */
  replies: ScriptedReply[];
  requests: RecordedChatRequest[];
  completionRequests: RecordedCompletionRequest[];
  close(): Promise<void>;
}

let callCounter = 0;

function chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1_764_547_200,
    model: 'brain',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  })}\n\n`;
}

function toolCallsOf(reply: ScriptedReply) {
  return (reply.toolCalls ?? []).map((call, index) => ({
    index,
    id: call.id ?? `call_fake_${++callCounter}`,
    type: 'function',
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
    },
  }));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export async function startFakeOpenAIServer(replies: ScriptedReply[] = []): Promise<FakeOpenAIServer> {
  const state: FakeOpenAIServer = {
    url: '',
    replies,
    requests: [],
    completionRequests: [],
    close: async () => {},
  };

  /** `/v1/completions`: the next reply's text as one completion, streamed in its pieces when asked. */
  async function complete(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const recorded: RecordedCompletionRequest = { body: JSON.parse(await readBody(request)) };
    state.completionRequests.push(recorded);
    const reply = state.replies.shift();
    if (!reply) {
      response
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'fake-openai-server: no scripted reply left' } }));
      return;
    }
    const completion = (text: string, finishReason: string | null) => ({
      id: 'cmpl-fake',
      object: 'text_completion',
      created: 1_764_547_200,
      model: 'brain',
      choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
    });
    if (!recorded.body.stream) {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(completion((reply.text ?? []).join(''), 'stop')));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const piece of reply.text ?? []) {
      if (response.destroyed) return;
      response.write(`data: ${JSON.stringify(completion(piece, null))}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, reply.delayMs ?? 0));
    }
    if (reply.hang) return; // held open until the client leaves
    response.write(`data: ${JSON.stringify(completion('', 'stop'))}\n\n`);
    response.end('data: [DONE]\n\n');
  }

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (request.method === 'GET' && path === '/v1/models') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ object: 'list', data: [{ id: 'brain', object: 'model', owned_by: 'fake' }] }));
      return;
    }
    if (request.method === 'POST' && path === '/v1/completions') {
      await complete(request, response);
      return;
    }
    if (request.method !== 'POST' || path !== '/v1/chat/completions') {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"message":"not found"}}');
      return;
    }
    const recorded: RecordedChatRequest = { body: JSON.parse(await readBody(request)), aborted: false };
    state.requests.push(recorded);
    response.once('close', () => {
      if (!response.writableFinished) recorded.aborted = true;
    });
    const reply = state.replies.shift();
    if (!reply) {
      response
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'fake-openai-server: no scripted reply left' } }));
      return;
    }
    const toolCalls = toolCallsOf(reply);
    const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';
    if (!recorded.body.stream) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: 1_764_547_200,
          model: 'brain',
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: (reply.text ?? []).join('') || null,
                ...(toolCalls.length > 0
                  ? { tool_calls: toolCalls.map(({ index: _, ...call }) => call) }
                  : {}),
              },
              finish_reason: finish,
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const pause = () => new Promise((resolve) => setTimeout(resolve, reply.delayMs ?? 0));
    response.write(chunk({ role: 'assistant', content: '' }));
    for (const piece of reply.text ?? []) {
      if (response.destroyed) return;
      response.write(chunk({ content: piece }));
      await pause();
    }
    if (reply.hang) return; // held open until the client leaves (recorded.aborted)
    if (toolCalls.length > 0) response.write(chunk({ tool_calls: toolCalls }));
    response.write(chunk({}, finish));
    response.write(
      `data: ${JSON.stringify({
        id: 'chatcmpl-fake',
        object: 'chat.completion.chunk',
        created: 1_764_547_200,
        model: 'brain',
        choices: [],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      })}\n\n`,
    );
    response.end('data: [DONE]\n\n');
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** The text of the tool results the model was sent in one request (what it was told about its calls). */
export function toolResultsSent(request: RecordedChatRequest): string[] {
  return request.body.messages
    .filter((message) => message.role === 'tool')
    .map((message) =>
      typeof message.content === 'string' ? message.content : JSON.stringify(message.content),
    );
}
