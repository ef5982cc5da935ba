// Entry point of the embedded worker process: `node main.js --model x.gguf --port n [--threads 1 …]`.
// It serves one GGUF file over the OpenAI API until SIGTERM/SIGINT, then frees the model and exits.
import { listen } from '../http/listen.js';
import { workerKeyVariable } from '../workers/worker-command.js';
import { createLlamaEngine } from './llama-engine.js';
import { createWorkerApp } from './worker-app.js';
import { parseWorkerArguments } from './worker-options.js';

async function main(): Promise<void> {
  let options: ReturnType<typeof parseWorkerArguments>;
  try {
    options = parseWorkerArguments(process.argv.slice(2));
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
  const { server, port } = await listen({ fetch: app.fetch, hostname: options.host, port: options.port });
  process.stderr.write(
    `${JSON.stringify({ level: 'info', message: 'embedded worker ready', model: engine.modelId, port, pid: process.pid, loadMs: Math.round(performance.now() - started), keyed: workerKey !== null })}\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${JSON.stringify({ level: 'info', message: `stopping on ${signal}` })}\n`);
    server.close();
    if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
    void engine.dispose().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main().catch((error: unknown) => {
  process.stderr.write(`embedded worker failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
