import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
