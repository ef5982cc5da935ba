// One HTTP server for a Hono app, shared by the gateway and its embedded worker. @hono/node-server's
// `serve()` answers a request it cannot turn into a URL (a malformed Host such as `localhost:80:evil`,
// a backslash in the path) with a bare 400 and an empty body; ours says what is wrong, in JSON.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';

export interface ListenOptions {
  fetch: (request: Request, env: never) => Response | Promise<Response>;
  hostname: string;
  port: number;
}

/** What a request that never became a `Request` gets: 400 with our error JSON. */
export function malformedRequestResponse(error: unknown): Response {
  const reason = error instanceof Error ? error.message : String(error);
  return Response.json(
    { error: { code: 'malformed_request', message: `the request cannot be read: ${reason}` } },
    { status: 400 },
  );
}

/** Listens on hostname:port; resolves once listening, rejects with the listen error. */
export function listen(options: ListenOptions): Promise<{ server: Server; port: number }> {
  const listener = getRequestListener(options.fetch as Parameters<typeof getRequestListener>[0], {
    hostname: options.hostname,
    errorHandler: malformedRequestResponse,
  });
  const server = createServer(listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}
