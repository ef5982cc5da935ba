import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayClientError } from '../errors/index.js';
import { createGatewayClient } from './create-gateway-client.js';

// A real HTTP server standing in for the gateway's admin API: each test says what it answers.
type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;
const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => handler(request, body, response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// The garbage collector: a call's time limit must fire even when it runs meanwhile.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

describe('createGatewayClient', () => {
  it('sends the bearer key and validates a reserve answer', async () => {
    const seen: { auth?: string; body?: string; path?: string } = {};
    const baseURL = await serve((request, body, response) => {
      seen.auth = request.headers.authorization;
      seen.body = body;
      seen.path = request.url;
      json(response, 200, { satisfied: true, freeGb: 12.5, evicted: ['story'] });
    });
    const client = createGatewayClient({ baseURL: `${baseURL}/`, apiKey: 'secret' });
    const answer = await client.reserve(4);
    expect(answer).toEqual({ satisfied: true, freeGb: 12.5, evicted: ['story'] });
    expect(seen).toEqual({ auth: 'Bearer secret', body: '{"gb":4}', path: '/admin/reserve' });
  });

  it('turns a JSON error into an http_error with the server code', async () => {
    const baseURL = await serve((_request, _body, response) =>
      json(response, 404, {
        error: { code: 'model_not_found', message: 'unknown model "x"; aliases: a, b' },
      }),
    );
    const client = createGatewayClient({ baseURL });
    const error = await client.ensure('x').catch((caught: unknown) => caught);
    expect(GatewayClientError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'http_error', status: 404, serverCode: 'model_not_found' });
    expect((error as Error).message).toContain('aliases: a, b');
  });

  it('rejects a 2xx body that does not match the schema, naming the field', async () => {
    const baseURL = await serve((_request, _body, response) =>
      json(response, 200, { satisfied: 'yes', freeGb: 1, evicted: [] }),
    );
    const error = await createGatewayClient({ baseURL })
      .reserve(1)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect((error as Error).message).toContain('satisfied');
  });

  it('times out with a clear error', async () => {
    const baseURL = await serve(() => {
      // never answers
    });
    const error = await createGatewayClient({ baseURL, timeoutMs: 150 })
      .status()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'timeout' });
    expect((error as Error).message).toContain('150 ms');
  });

  it('reports an unreachable gateway', async () => {
    const baseURL = await serve(() => {});
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    const error = await createGatewayClient({ baseURL })
      .health()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'unreachable' });
  });

  it('refuses bad arguments before any request', async () => {
    expect(() => createGatewayClient({ baseURL: 'not a url' })).toThrow(/baseURL/);
    const client = createGatewayClient({ baseURL: 'http://127.0.0.1:9' });
    await expect(client.reserve(Number.NaN)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(client.reserve(Number.POSITIVE_INFINITY)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(client.ensure('')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('gives an OpenAI client pointed at /v1', async () => {
    const baseURL = await serve((request, _body, response) => {
      json(response, 200, {
        object: 'list',
        data: [{ id: `seen ${request.url}`, object: 'model', created: 0, owned_by: 'x' }],
      });
    });
    const client = createGatewayClient({ baseURL });
    const models = await client.openai.models.list();
    expect(models.data[0]?.id).toBe('seen /v1/models');
  });
});

describe('models', () => {
  const gatewayList = {
    object: 'list',
    data: [
      {
        id: 'story',
        object: 'model',
        created: 0,
        owned_by: 'klody-gateway',
        worker: 'story',
        kind: 'chat',
        remote: false,
      },
      {
        id: 'brain',
        object: 'model',
        created: 0,
        owned_by: 'klody-gateway',
        worker: 'story',
        kind: 'chat',
        remote: false,
      },
    ],
  };

  it('lists the ids the gateway routes, with the bearer key, from /v1/models', async () => {
    const seen: { auth?: string; path?: string; method?: string } = {};
    const baseURL = await serve((request, _body, response) => {
      seen.auth = request.headers.authorization;
      seen.path = request.url;
      seen.method = request.method;
      json(response, 200, gatewayList);
    });
    const list = await createGatewayClient({ baseURL, apiKey: 'secret' }).models();
    expect(list.data.map((model) => [model.id, model.worker, model.kind])).toEqual([
      ['story', 'story', 'chat'],
      ['brain', 'story', 'chat'],
    ]);
    expect(seen).toEqual({ auth: 'Bearer secret', path: '/v1/models', method: 'GET' });
  });

  it("reads another OpenAI-compatible server's list, whose entries carry only their own fields", async () => {
    const baseURL = await serve((_request, _body, response) =>
      json(response, 200, {
        object: 'list',
        data: [{ id: 'q.gguf', object: 'model', meta: { n_ctx: 4096 } }],
      }),
    );
    const list = await createGatewayClient({ baseURL }).models();
    expect(list.data.map((model) => model.id)).toEqual(['q.gguf']);
  });

  it('says invalid_response, naming the URL and the content type, for an HTML page', async () => {
    const baseURL = await serve((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><h1>It works!</h1>');
    });
    const error = await createGatewayClient({ baseURL })
      .models()
      .catch((caught: unknown) => caught);
    expect(GatewayClientError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid_response', status: 200 });
    expect((error as Error).message).toBe(`GET ${baseURL}/v1/models answered text/html, not a model list`);
  });

  it('says invalid_response, naming the field, for JSON that is not a model list', async () => {
    for (const body of [{ models: ['brain'] }, { data: [{ name: 'brain' }] }, ['brain']]) {
      const baseURL = await serve((_request, _body, response) => json(response, 200, body));
      const error = await createGatewayClient({ baseURL })
        .models()
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'invalid_response' });
      expect((error as Error).message).toContain(
        `GET ${baseURL}/v1/models answered JSON that is not a model list`,
      );
    }
    const baseURL = await serve((_request, _body, response) =>
      json(response, 200, { data: [{ name: 'x' }] }),
    );
    const error = await createGatewayClient({ baseURL })
      .models()
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('data.0.id');
  });

  it('says http_error with the status and the URL for an error page', async () => {
    const baseURL = await serve((_request, _body, response) => {
      response
        .writeHead(500, { 'content-type': 'text/html' })
        .end('<html>\n<body><h1>500 Internal Server Error</h1></body>\n</html>');
    });
    const error = await createGatewayClient({ baseURL })
      .models()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'http_error', status: 500, serverCode: null });
    expect((error as Error).message).toBe(
      `GET ${baseURL}/v1/models failed with 500: <html> <body><h1>500 Internal Server Error</h1></body> </html>`,
    );
  });

  it('says unreachable, naming the gateway, when nothing listens', async () => {
    const baseURL = await serve(() => {});
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    const error = await createGatewayClient({ baseURL })
      .models()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'unreachable', status: null });
    expect((error as Error).message).toContain(`cannot reach the gateway at ${baseURL}`);
  });

  it('says timeout within its limit when the gateway hangs, or sends its headers and then trickles', async () => {
    const hanging = await serve(() => {});
    const trickling = await serve((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data": [');
    });
    for (const baseURL of [hanging, trickling]) {
      const started = performance.now();
      const error = await createGatewayClient({ baseURL, timeoutMs: 10_000 })
        .models({ timeoutMs: 200 })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'timeout' });
      expect((error as Error).message).toBe(`GET ${baseURL}/v1/models did not answer within 200 ms`);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });

  it('keeps its time limit when it is combined with a signal and garbage is collected meanwhile', async () => {
    const baseURL = await serve(() => {});
    const caller = new AbortController();
    const pending = createGatewayClient({ baseURL })
      .models({ signal: caller.signal, timeoutMs: 300 })
      .catch((caught: unknown) => caught);
    for (let round = 0; round < 5; round++) {
      await sleep(20);
      collectGarbage();
    }
    expect(await pending).toMatchObject({ code: 'timeout' });
    expect(caller.signal.aborted).toBe(false);
  });

  it("says aborted at once when the caller's signal fires", async () => {
    const baseURL = await serve(() => {});
    const caller = new AbortController();
    const started = performance.now();
    const pending = createGatewayClient({ baseURL })
      .models({ signal: caller.signal, timeoutMs: 10_000 })
      .catch((caught: unknown) => caught);
    setTimeout(() => caller.abort(), 50);
    expect(await pending).toMatchObject({ code: 'aborted' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
