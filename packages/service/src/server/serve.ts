// Serving a Hono app the Klody way: the bind rule, a JSON 400 for requests that cannot even become a
// `Request` (a malformed Host such as `localhost:80:evil`: @hono/node-server's own `serve()` answers
// those with an empty body), and a close that lets requests in progress finish within a grace.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { ConfigurationError } from '../errors/configuration-error.js';
import { errorBody } from '../errors/service-error.js';
import { checkBindRule } from './bind-rule.js';

export interface ServeOptions {
  /** The app's fetch (Hono's `app.fetch`); node bindings arrive as its env (`incoming`, `outgoing`). */
  fetch: (request: Request, env: never) => Response | Promise<Response>;
  service: string;
  hostname?: string;
  port: number;
  allowNonLoopback?: boolean;
  apiKey?: string | null;
}

export interface RunningService {
  server: Server;
  url: string;
  port: number;
  /** Stops accepting, lets requests in progress finish for up to `graceMs` (5 s), then closes every connection. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** What a request that never became a `Request` gets: 400 with our error JSON. */
export function malformedRequestResponse(error: unknown): Response {
  const reason = error instanceof Error ? error.message : String(error);
  return Response.json(errorBody('malformed_request', `the request cannot be read: ${reason}`), {
    status: 400,
  });
}

export async function serve(options: ServeOptions): Promise<RunningService> {
  const hostname = options.hostname ?? '127.0.0.1';
  checkBindRule({
    service: options.service,
    hostname,
    allowNonLoopback: options.allowNonLoopback ?? false,
    apiKey: options.apiKey ?? null,
  });
  const listener = getRequestListener(options.fetch as Parameters<typeof getRequestListener>[0], {
    hostname,
    errorHandler: malformedRequestResponse,
  });
  const server = createServer(listener);
  let active = 0;
  server.on('request', (_request, response) => {
    active++;
    response.once('close', () => active--);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new ConfigurationError(
          `${options.service}: cannot listen on ${hostname}:${options.port}: ${error.code ?? error.message}`,
        ),
      );
    server.once('error', onError);
    server.listen(options.port, hostname, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    server,
    url,
    port,
    close({ graceMs = 5_000 } = {}) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const until = Date.now() + graceMs;
        while (active > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}

/**
 * Graceful SIGTERM/SIGINT: the service closes (requests in progress finish), `onStopped` runs, the
 * process exits 0. A second signal exits at once.
 */
export function stopOnSignals(
  service: Pick<RunningService, 'close'>,
  options: { onStopped?: () => void | Promise<void>; graceMs?: number } = {},
): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      void service
        .close({ graceMs: options.graceMs ?? 5_000 })
        .then(() => options.onStopped?.())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  }
}
