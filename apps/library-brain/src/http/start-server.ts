import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { LibraryBrainConfig } from '../config/config.js';
import { createLibrary } from '../library/create-library.js';
import type { Library } from '../library/library.js';
import { createApp } from './create-app.js';

export interface StartServerOptions {
  /** Overrides `config.port`. */
  port?: number;
  log?: (message: string, error?: unknown) => void;
  fetch?: typeof fetch;
  /** Scans in worker threads (default true); false keeps them on the event loop, for quick tests. */
  workerThreads?: boolean;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>` (the configured loopback host). */
  url: string;
  port: number;
  library: Library;
  /** Stops listening, ends open connections, and closes the library. */
  close(): Promise<void>;
}

/**
 * Library Brain's server: it listens as soon as its database is open. The gateway's models are
 * looked at in the background (each step within the check time limit), so a gateway that hangs
 * never delays start-up; meanwhile `/health` says degraded and answers are extractive.
 */
export async function startServer(
  config: LibraryBrainConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const library = await createLibrary(config, {
    log: (message) => log(message),
    fetch: options.fetch,
    workerThreads: options.workerThreads ?? true,
    waitForGateway: false,
  });
  const app = createApp({
    library,
    libraryRoots: config.libraryRoots,
    gatewayURL: config.gatewayURL,
    log,
  });
  const port = options.port ?? config.port;
  const server = serve({ fetch: app.fetch, hostname: config.host, port }) as Server;
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('listening', () => resolveListen());
      server.once('error', reject);
    });
  } catch (error) {
    await library.close();
    throw error;
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    library,
    async close() {
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeIdleConnections();
        // A client still reading an answer gets a few seconds, then its connection is ended.
        setTimeout(() => server.closeAllConnections(), 3_000).unref();
      });
      await library.close();
    },
  };
}
