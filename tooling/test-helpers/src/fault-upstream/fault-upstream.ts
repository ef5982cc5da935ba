import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { servicePorts } from '../ports/free-port.js';
import type { FaultKind, FaultSetting } from './fault-cases.js';

/** The OpenAI-compatible routes a fault upstream serves; each has its own fault. */
export type FaultRoute = 'models' | 'chat' | 'embeddings' | 'health';

export const faultRoutes: readonly FaultRoute[] = ['models', 'chat', 'embeddings', 'health'];

export interface FaultUpstreamOptions {
  /** Model ids `GET /v1/models` lists when `ok` (default `brain` and `embed`, the standard aliases). */
  models?: readonly string[];
  /** What the chat model answers when `ok` (default: one sentence citing source [1]). */
  chatAnswer?: string;
  /** Size of the `ok` embeddings (default 16). */
  embeddingDimensions?: number;
  /** Delay between two bytes of a `slow-trickle` body (default 250 ms). */
  trickleIntervalMs?: number;
}

export interface RecordedRequest {
  route: FaultRoute | null;
  method: string;
  path: string;
  /** Whether a chat request asked for `stream: true`. */
  stream: boolean;
  /** The fault the request met. */
  fault: FaultKind;
}

export interface FaultUpstream {
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  /**
   * Sets the fault of `routes` (default: every route). `down` concerns the whole upstream (a port
   * refuses connections or does not), so it takes no routes: the listener closes and open sockets
   * are destroyed; setting any other fault afterwards listens again on the same port.
   */
  setFault(fault: FaultKind | FaultSetting, routes?: readonly FaultRoute[]): Promise<void>;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

const defaultAnswer = 'The keeper lit the great lamp at dusk [1].';

const htmlPage =
  '<!doctype html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>';
const htmlError =
  '<html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>';

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

function routeOf(method: string, path: string): FaultRoute | null {
  if (method === 'GET' && path === '/v1/models') return 'models';
  if (method === 'POST' && path === '/v1/chat/completions') return 'chat';
  if (method === 'POST' && path === '/v1/embeddings') return 'embeddings';
  if (method === 'GET' && path === '/health') return 'health';
  return null;
}

/** A deterministic bag-of-words vector: texts sharing words are close, which is all retrieval needs. */
function embedText(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    let hash = 2_166_136_261;
    for (const character of word) {
      hash ^= character.codePointAt(0) ?? 0;
      hash = Math.imul(hash, 16_777_619) >>> 0;
    }
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + 1;
  }
  // Never the zero vector: cosine distances to it are undefined.
  vector[dimensions - 1] = (vector[dimensions - 1] ?? 0) + 0.01;
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

function sseEvent(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

function chunkEvent(model: string, delta: Record<string, unknown>, finishReason: string | null = null) {
  return sseEvent({
    id: 'chatcmpl-fault-upstream',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
}

function answerPieces(answer: string): string[] {
  return answer.match(/[\s\S]{1,8}/g) ?? [];
}

/**
 * A controllable OpenAI-compatible upstream on 127.0.0.1 for fault-injection tests: `/v1/models`,
 * `/v1/chat/completions` (whole or `stream: true`), `/v1/embeddings` and `/health`, each answering
 * as its fault says (see `faultCases`). A real HTTP server on a free port: clients are tested with
 * their real HTTP stack.
 */
export async function startFaultUpstream(options: FaultUpstreamOptions = {}): Promise<FaultUpstream> {
  const models = options.models ?? ['brain', 'embed'];
  const chatAnswer = options.chatAnswer ?? defaultAnswer;
  const dimensions = options.embeddingDimensions ?? 16;
  const trickleIntervalMs = options.trickleIntervalMs ?? 250;
  const faults = new Map<FaultRoute, FaultSetting>(faultRoutes.map((route) => [route, { kind: 'ok' }]));
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let down = false;
  let closed = false;

  function okReply(route: FaultRoute, body: Record<string, unknown>, stream: boolean): Reply {
    const model = typeof body.model === 'string' ? body.model : 'brain';
    switch (route) {
      case 'models':
        return {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            object: 'list',
            data: models.map((id) => ({ id, object: 'model', owned_by: 'fault-upstream' })),
          }),
        };
      case 'health':
        return { status: 200, contentType: 'application/json', body: JSON.stringify({ status: 'ok' }) };
      case 'embeddings': {
        const input = Array.isArray(body.input) ? body.input : [body.input];
        return {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            object: 'list',
            model,
            data: input.map((text, index) => ({
              object: 'embedding',
              index,
              embedding: embedText(String(text), dimensions),
            })),
          }),
        };
      }
      case 'chat':
        if (stream) {
          return {
            status: 200,
            contentType: 'text/event-stream',
            body:
              chunkEvent(model, { role: 'assistant' }) +
              answerPieces(chatAnswer)
                .map((piece) => chunkEvent(model, { content: piece }))
                .join('') +
              chunkEvent(model, {}, 'stop') +
              sseEvent('[DONE]'),
          };
        }
        return {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            id: 'chatcmpl-fault-upstream',
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model,
            choices: [
              { index: 0, message: { role: 'assistant', content: chatAnswer }, finish_reason: 'stop' },
            ],
            usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
          }),
        };
    }
  }

  function brokenStream(variant: string, model: string): string {
    const pieces = answerPieces(chatAnswer);
    const first = chunkEvent(model, { content: pieces[0] ?? 'The' });
    switch (variant) {
      case 'invalid-data':
        return `${first}data: <html>upstream error</html>\n\ndata: {"choices": [\n\n${sseEvent('[DONE]')}`;
      case 'no-done':
        return pieces
          .slice(0, Math.max(1, Math.floor(pieces.length / 2)))
          .map((piece) => chunkEvent(model, { content: piece }))
          .join('');
      default:
        return `${first}data: {"id":"chatcmpl-fault-upstream","choices":[{"index":0,"delta":{"content":"and then the`;
    }
  }

  function later(milliseconds: number, action: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, milliseconds);
    timers.add(timer);
  }

  function trickle(response: ServerResponse, reply: Reply): void {
    response.writeHead(reply.status, { 'content-type': reply.contentType });
    response.flushHeaders();
    const bytes = Buffer.from(reply.body);
    let position = 0;
    const next = () => {
      if (response.destroyed || closed) return;
      if (position >= bytes.length) {
        response.end();
        return;
      }
      response.write(bytes.subarray(position, position + 1));
      position += 1;
      later(trickleIntervalMs, next);
    };
    next();
  }

  function answer(
    request: IncomingMessage,
    response: ServerResponse,
    route: FaultRoute,
    body: Record<string, unknown>,
  ) {
    const stream = route === 'chat' && body.stream === true;
    const fault = faults.get(route) ?? { kind: 'ok' };
    const model = typeof body.model === 'string' ? body.model : 'brain';
    switch (fault.kind) {
      case 'ok':
      case 'down': {
        const reply = okReply(route, body, stream);
        response.writeHead(reply.status, { 'content-type': reply.contentType });
        response.end(reply.body);
        return;
      }
      case 'html-200':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(htmlPage);
        return;
      case 'html-500':
        response.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
        response.end(htmlError);
        return;
      case 'wrong-shape-json':
        if (stream) {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.end(
            sseEvent({ status: 'success', output: chatAnswer }) +
              sseEvent({ result: { text: chatAnswer } }) +
              sseEvent('[DONE]'),
          );
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'success', result: { output: 'unexpected' }, data: 'none' }));
        return;
      case 'broken-sse':
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(brokenStream(fault.variant ?? 'cut-mid-event', model));
        return;
      case 'hang':
        // Never answers: the socket stays open until the client gives up or the upstream closes.
        return;
      case 'reset':
        if (fault.variant === 'mid-stream') {
          response.writeHead(200, {
            'content-type': stream || route !== 'chat' ? 'text/event-stream' : 'application/json',
          });
          response.write(stream ? chunkEvent(model, { content: 'The' }) : '{"object": "li');
          later(20, () => request.socket.destroy());
          return;
        }
        request.socket.destroy();
        return;
      case 'slow-trickle':
        trickle(response, okReply(route, body, stream));
        return;
    }
  }

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const route = routeOf(request.method ?? 'GET', path);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.length > 0) body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = {};
      }
      const fault = route ? (faults.get(route) ?? { kind: 'ok' as const }) : { kind: 'ok' as const };
      requests.push({
        route,
        method: request.method ?? 'GET',
        path,
        stream: route === 'chat' && body.stream === true,
        fault: fault.kind,
      });
      if (!route) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'not_found', message: `no route ${path}` } }));
        return;
      }
      answer(request, response, route, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function listen(port: number): Promise<void> {
    return new Promise((resolveListen, reject) => {
      server.once('error', reject);
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  }

  function stopListening(): Promise<void> {
    return new Promise((resolveClose) => {
      server.close(() => resolveClose());
      for (const socket of sockets) socket.destroy();
    });
  }

  // A port the system chooses, never one of the services' default ports (a running stack is never hit).
  let port = 0;
  for (let attempt = 0; attempt < 20 && port === 0; attempt++) {
    await listen(0);
    port = (server.address() as AddressInfo).port;
    if (servicePorts.has(port)) {
      await stopListening();
      port = 0;
    }
  }
  if (port === 0) throw new Error('could not find a free port outside the services’ default ports');

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    async setFault(fault, routes) {
      const setting: FaultSetting = typeof fault === 'string' ? ({ kind: fault } as FaultSetting) : fault;
      if (setting.kind === 'down') {
        if (routes)
          throw new Error('"down" concerns the whole upstream: call setFault("down") without routes');
        if (!down) {
          down = true;
          await stopListening();
        }
        return;
      }
      for (const route of routes ?? faultRoutes) faults.set(route, setting);
      if (down) {
        down = false;
        await listen(port);
      }
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (!down) await stopListening();
    },
  };
}
