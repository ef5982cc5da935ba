import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOpenAiToolCall {
  id: string;
  name: string;
  /** The arguments' JSON text, streamed in pieces of `argumentChunkSize` characters. */
  arguments: string;
}

/** One scripted answer of the fake server: streamed content, streamed tool calls, or an HTTP error. */
export type FakeOpenAiAnswer =
  | { content?: string; toolCalls?: FakeOpenAiToolCall[] }
  | { status: number; error: string };

export interface FakeOpenAiServer {
  /** `http://127.0.0.1:<port>` (no `/v1`). */
  url: string;
  /** The JSON bodies of the chat completion requests it received, in order. */
  requests: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * A fake of the gateway's OpenAI chat completions endpoint for tests: a real node:http server on
 * 127.0.0.1 that answers `POST /v1/chat/completions` with `stream: true` as OpenAI does — server-sent
 * events of `chat.completion.chunk`, content word by word, each tool call as a first delta with its id
 * and name and then argument fragments (the deltas the provider must reassemble), a finish reason, a
 * usage chunk and `[DONE]`. The answers are scripted, one per request.
 */
export async function startFakeOpenAiServer(
  answers: readonly FakeOpenAiAnswer[],
  options: { argumentChunkSize?: number } = {},
): Promise<FakeOpenAiServer> {
  const requests: Array<Record<string, unknown>> = [];
  const chunkSize = options.argumentChunkSize ?? 7;
  const server: Server = createServer(async (request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { code: 'not_found', message: `${request.method} ${request.url}` } }),
      );
      return;
    }
    const body = JSON.parse(await readBody(request)) as Record<string, unknown>;
    requests.push(body);
    const answer = answers[requests.length - 1];
    if (answer === undefined || 'status' in answer) {
      const status = answer && 'status' in answer ? answer.status : 500;
      const message = answer && 'status' in answer ? answer.error : `no scripted answer ${requests.length}`;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'scripted_error', message } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const base = {
      id: `chatcmpl-${requests.length}`,
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: String(body.model),
    };
    const send = (delta: Record<string, unknown>, finishReason: string | null = null) =>
      response.write(
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`,
      );
    send({ role: 'assistant', content: '' });
    for (const word of answer.content?.match(/\S+\s*/g) ?? []) send({ content: word });
    (answer.toolCalls ?? []).forEach((call, index) => {
      send({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      });
      for (let start = 0; start < call.arguments.length; start += chunkSize) {
        send({
          tool_calls: [{ index, function: { arguments: call.arguments.slice(start, start + chunkSize) } }],
        });
      }
    });
    send({}, answer.toolCalls?.length ? 'tool_calls' : 'stop');
    response.write(
      `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 } })}\n\n`,
    );
    response.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
