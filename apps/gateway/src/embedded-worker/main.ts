// Entry point of the embedded worker process: `node main.js --model x.gguf --port n [--threads 1 …]`.
// It serves one GGUF file over the OpenAI API until SIGTERM/SIGINT, then frees the model and exits.
import { createLogger, readLogLevel, type ServiceLogger, serve, stopOnSignals } from '@klody/service';
import { workerKeyVariable } from '../workers/worker-command.js';
import { createLlamaEngine } from './llama-engine.js';
import { createWorkerApp } from './worker-app.js';
import { parseWorkerArguments } from './worker-options.js';

async function main(): Promise<void> {
  let options: ReturnType<typeof parseWorkerArguments>;
  let logger: ServiceLogger;
  try {
    options = parseWorkerArguments(process.argv.slice(2));
    logger = createLogger({ service: 'embedded-worker', level: readLogLevel() });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  // Read once and removed: nothing this process starts inherits the key.
  const workerKey = process.env[workerKeyVariable] || null;
  delete process.env[workerKeyVariable];
  const started = performance.now();
  const engine = await createLlamaEngine(options);
  const { app } = createWorkerApp(engine, {
    embeddings: options.embeddings,
    bodyLimitBytes: Math.round(options.bodyLimitMb * 1024 * 1024),
    workerKey,
  });
  const service = await serve({
    fetch: app.fetch,
    service: 'embedded-worker',
    hostname: options.host,
    port: options.port,
    // A non-loopback bind (someone else's setup) needs the worker key as its API key.
    allowNonLoopback: workerKey !== null,
    apiKey: workerKey,
  });
  logger.info(
    {
      model: engine.modelId,
      port: service.port,
      pid: process.pid,
      loadMs: Math.round(performance.now() - started),
      keyed: workerKey !== null,
    },
    'embedded worker ready',
  );
  // SIGTERM/SIGINT: requests in progress get a short grace, then the model is freed (3 s at most:
  // the gateway's SIGKILL follows a worker that lingers).
  stopOnSignals(service, {
    graceMs: 2_000,
    onStopped: async () => {
      logger.info({}, 'stopping');
      await Promise.race([engine.dispose(), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    },
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(`embedded worker failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
