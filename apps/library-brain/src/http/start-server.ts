import { type RunningService, type ServiceLogger, serve } from '@klody/service';
import type { LibraryBrainConfig } from '../config/config.js';
import { createLibrary } from '../library/create-library.js';
import type { Library } from '../library/library.js';
import { createApp } from './create-app.js';

export interface StartServerOptions {
  /** Overrides `config.port`. */
  port?: number;
  /** Request logs, the library's messages and unexpected errors; none without it. */
  logger?: ServiceLogger;
  fetch?: typeof fetch;
  /** Scans in worker threads (default true); false keeps them on the event loop, for quick tests. */
  workerThreads?: boolean;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>` (the configured loopback host). */
  url: string;
  port: number;
  library: Library;
  /**
   * Stops listening, lets requests in progress finish for up to `graceMs` (3 s: a client still
   * reading an answer), ends the connections left, and closes the library.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Library Brain's server: it listens as soon as its database is open. The gateway's models are
 * looked at in the background (each step within the check time limit), so a gateway that hangs
 * never delays start-up; meanwhile `/health` says degraded and answers are extractive. A port in use
 * is a ConfigurationError naming it.
 */
export async function startServer(
  config: LibraryBrainConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const logger = options.logger;
  const library = await createLibrary(config, {
    log: (message) => logger?.info(message),
    fetch: options.fetch,
    workerThreads: options.workerThreads ?? true,
    waitForGateway: false,
    migrateVectors: true,
  });
  const app = createApp({
    library,
    libraryRoots: config.libraryRoots,
    gatewayURL: config.gatewayURL,
    apiKey: config.apiKey,
    uploads: { folder: config.uploadFolder, maxBytes: config.uploadLimitBytes },
    ...(logger ? { logger } : {}),
  });
  let service: RunningService;
  try {
    service = await serve({
      fetch: app.fetch,
      service: 'library-brain',
      hostname: config.host,
      port: options.port ?? config.port,
    });
  } catch (error) {
    await library.close();
    throw error;
  }
  return {
    url: service.url,
    port: service.port,
    library,
    async close({ graceMs = 3_000 } = {}) {
      await service.close({ graceMs });
      await library.close();
    },
  };
}
