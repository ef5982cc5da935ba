// Every way an organ can fail, against real HTTP servers on loopback (and a closed port): each
// becomes a ToolError that names the organ and its URL, within the time limit, never a crash or a hang.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { freePort } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolError } from '../tools/agent-tool.js';
import { type Organ, organDisabledError, readJson, requestOrgan } from './organ-request.js';

type Route = (response: ServerResponse, body: string, headers: Record<string, unknown>) => void;

/** One real server whose routes misbehave on purpose; held sockets are destroyed when it closes. */
const routes: Record<string, Route> = {
  '/ok': (response, body, headers) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ echoed: body, authorization: headers.authorization ?? null }));
  },
  '/never': () => {
    // Never answers: the request hangs until the client gives up.
  },
  '/stalls-mid-body': (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"results": [');
  },
  '/fails': (response) => {
    response.writeHead(503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code: 'gateway_unavailable', message: 'the model is loading' } }));
  },
  '/fails-plainly': (response) => {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end('Internal Server Error');
  },
  '/missing': (response) => {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code: 'not_found', message: 'no book with id 7' } }));
  },
  '/locked': (response) => {
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code: 'unauthorized', message: 'a bearer key is required' } }));
  },
  '/not-json': (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('<html>surprise</html>');
  },
  '/wrong-shape': (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ something: 'else' }));
  },
  '/hangs-up': (response) => {
    response.socket?.destroy();
  },
};

let server: Server;
let url: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const route = routes[request.url ?? ''];
      if (route) route(response, body, request.headers);
      else response.writeHead(404).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function organ(overrides: Partial<Organ> = {}): Organ {
  return {
    name: 'Library Brain',
    url,
    urlVariable: 'KLODY_LIBRARY_BRAIN_URL',
    timeoutMs: 2_000,
    ...overrides,
  };
}

const anyJson = readJson(z.unknown());

async function failure(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error('the call succeeded');
}

describe('requestOrgan', () => {
  it('sends JSON and the bearer key, and reads the answer', async () => {
    const answer = await requestOrgan(organ({ url: `${url}/`, apiKey: 'secret' }), {
      method: 'POST',
      path: '/ok',
      json: { question: 'Qui est Pangloss ?' },
      read: readJson(z.object({ echoed: z.string(), authorization: z.string().nullable() })),
    });
    expect(answer).toEqual({ echoed: '{"question":"Qui est Pangloss ?"}', authorization: 'Bearer secret' });
  });

  it('says the organ is not running at its URL when the port is closed', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const error = await failure(requestOrgan(organ({ url: closed }), { path: '/api/books', read: anyJson }));
    expect(error.message).toBe(`Library Brain is not running at ${closed} (connection refused)`);
    expect(error.code).toBe('organ_not_running');
  });

  it('gives up on a server that never answers, within its time limit', async () => {
    const started = performance.now();
    const error = await failure(requestOrgan(organ({ timeoutMs: 300 }), { path: '/never', read: anyJson }));
    const elapsed = performance.now() - started;
    expect(error.message).toBe(`Library Brain did not answer within 0.3 s at ${url}`);
    expect(error.code).toBe('organ_timeout');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('gives up on an answer that stops half-way, within the same limit', async () => {
    const started = performance.now();
    const error = await failure(
      requestOrgan(organ({ timeoutMs: 300 }), { path: '/stalls-mid-body', read: anyJson }),
    );
    expect(error.code).toBe('organ_timeout');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("passes on the organ's own error message and code for a 5xx", async () => {
    const error = await failure(requestOrgan(organ(), { path: '/fails', read: anyJson }));
    expect(error.message).toBe(`Library Brain at ${url} failed (503): the model is loading`);
    expect(error.code).toBe('gateway_unavailable');
    const plain = await failure(requestOrgan(organ(), { path: '/fails-plainly', read: anyJson }));
    expect(plain.message).toBe(`Library Brain at ${url} failed (500): Internal Server Error`);
    expect(plain.code).toBe('organ_failed');
  });

  it('passes on a refusal (4xx) with its code, and says to check the key on 401', async () => {
    const missing = await failure(requestOrgan(organ(), { path: '/missing', read: anyJson }));
    expect(missing.message).toBe(`Library Brain at ${url} refused the request (404): no book with id 7`);
    expect(missing.code).toBe('not_found');
    const locked = await failure(requestOrgan(organ(), { path: '/locked', read: anyJson }));
    expect(locked.message).toMatch(
      /refused the request \(401\): a bearer key is required\. Check its API key\./,
    );
  });

  it('says when an answer is not JSON or not of the expected shape', async () => {
    const html = await failure(requestOrgan(organ(), { path: '/not-json', read: anyJson }));
    expect(html.message).toBe(`Library Brain at ${url} sent an answer that is not valid JSON`);
    const shape = await failure(
      requestOrgan(organ(), {
        path: '/wrong-shape',
        read: readJson(z.object({ results: z.array(z.unknown()) })),
      }),
    );
    expect(shape.code).toBe('organ_bad_answer');
  });

  it('says the organ closed the connection when it hangs up', async () => {
    const error = await failure(requestOrgan(organ(), { path: '/hangs-up', read: anyJson }));
    expect(error.message).toMatch(
      new RegExp(`^Library Brain at ${url} closed the connection before answering`),
    );
    expect(error.code).toBe('organ_unreachable');
  });

  it('says the call was cancelled when the turn aborts it', async () => {
    const controller = new AbortController();
    const pending = requestOrgan(organ({ timeoutMs: 5_000 }), {
      path: '/never',
      signal: controller.signal,
      read: anyJson,
    });
    setTimeout(() => controller.abort(), 50);
    const error = await failure(pending);
    expect(error.code).toBe('cancelled');
    expect(error.message).toBe(`the call to Library Brain at ${url} was cancelled`);
  });
});

it('says how to enable a disabled organ', () => {
  const error = organDisabledError('VocalBrain', 'KLODY_VOCALBRAIN_URL', 'http://127.0.0.1:8600');
  expect(error.code).toBe('organ_disabled');
  expect(error.message).toBe(
    'VocalBrain is disabled (KLODY_VOCALBRAIN_URL=none). To use it, set KLODY_VOCALBRAIN_URL to its URL (e.g. http://127.0.0.1:8600) and restart the agent.',
  );
});
