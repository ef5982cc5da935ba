import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createVoiceWorkerApp, type VoiceWorkerOptions } from './voice-worker-app.js';

export interface StartVoiceWorkerOptions extends VoiceWorkerOptions {
  port: number;
  /** Interface to bind (default 127.0.0.1). */
  hostname?: string;
}

export interface RunningVoiceWorker {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the voice worker's HTTP server and resolves once it listens. */
export function startVoiceWorker(options: StartVoiceWorkerOptions): Promise<RunningVoiceWorker> {
  const app = createVoiceWorkerApp(options);
  const hostname = options.hostname ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Streams in flight must not keep the process alive forever.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
