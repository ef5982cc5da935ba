import { type RunningService, serve } from '@klody/service';
import { createVoiceWorkerApp, type VoiceWorkerOptions } from './voice-worker-app.js';

export interface StartVoiceWorkerOptions extends VoiceWorkerOptions {
  port: number;
  /** Interface to bind (default 127.0.0.1); any other needs `apiKey` (the bind rule). */
  hostname?: string;
}

export type RunningVoiceWorker = RunningService;

/**
 * Starts the voice worker's HTTP server and resolves once it listens. A non-loopback `hostname`
 * without an API key, or a port in use, is a ConfigurationError (exit 2).
 */
export function startVoiceWorker(options: StartVoiceWorkerOptions): Promise<RunningVoiceWorker> {
  const app = createVoiceWorkerApp(options);
  return serve({
    fetch: app.fetch,
    service: 'voice-worker',
    hostname: options.hostname ?? '127.0.0.1',
    port: options.port,
    // Naming a non-loopback --host is the worker's opt-in; the key is still required.
    allowNonLoopback: true,
    apiKey: options.apiKey ?? null,
  });
}
