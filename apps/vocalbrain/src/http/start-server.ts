import { type RunningService, serve } from '@klody/service';
import type { VocalBrainConfig } from '../config/config.js';
import { type CreateServicesOptions, createServices, type Services } from '../services.js';
import { createApp } from './create-app.js';

export interface StartServerOptions extends CreateServicesOptions {
  /** Overrides `config.port` (0: a free port). */
  port?: number;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  services: Services;
  /** Stops listening (requests in progress get `graceMs`, 3 s), then stops the engines and the database. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * VocalBrain's server: builds the services (database, engines, calibration in the background) and
 * listens. A port in use, or a non-loopback host without a key, is a ConfigurationError (exit 2).
 */
export async function startServer(
  config: VocalBrainConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const services = await createServices(config, options);
  const app = createApp(services);
  let service: RunningService;
  try {
    service = await serve({
      fetch: app.fetch,
      service: 'vocalbrain',
      hostname: config.host,
      port: options.port ?? config.port,
      allowNonLoopback: config.apiKey !== null,
      apiKey: config.apiKey,
    });
  } catch (error) {
    await services.close();
    throw error;
  }
  // Jobs run in the server's process only (the CLI asks the server about them).
  services.jobs.start();
  return {
    url: service.url,
    port: service.port,
    services,
    async close({ graceMs = 3_000 } = {}) {
      await service.close({ graceMs });
      await services.close();
    },
  };
}
