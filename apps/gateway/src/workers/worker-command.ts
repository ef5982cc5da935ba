import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ManagedWorkerConfig } from '../registry/index.js';

export interface WorkerCommand {
  command: string;
  args: string[];
}

/**
 * The embedded worker's entry: the TypeScript source (run through tsx) when the gateway itself runs
 * on sources, the built file beside the gateway's bundle otherwise.
 */
export function embeddedWorkerEntry(): WorkerCommand {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const main = fileURLToPath(new URL('../embedded-worker/main.ts', here));
    const require = createRequire(here);
    const tsxLoader = pathToFileURL(
      join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'),
    ).href;
    return { command: process.execPath, args: ['--import', tsxLoader, '--conditions=@klody/source', main] };
  }
  return { command: process.execPath, args: [fileURLToPath(new URL('./embedded-worker.js', here))] };
}

function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

function placeholderValues(config: ManagedWorkerConfig, configDirectory: string) {
  return {
    port: String(config.port),
    configDir: configDirectory,
    name: config.name,
    model: config.upstreamModel ?? config.aliases[0] ?? config.name,
  };
}

/** The command line of a managed worker: the registry's command with `{port}` etc. replaced, or the embedded worker's. */
export function workerCommand(config: ManagedWorkerConfig, configDirectory: string): WorkerCommand {
  const values = placeholderValues(config, configDirectory);
  if (config.embedded) {
    const entry = embeddedWorkerEntry();
    const embedded = config.embedded;
    return {
      command: entry.command,
      args: [
        ...entry.args,
        '--model',
        embedded.model,
        '--port',
        String(config.port),
        '--alias',
        values.model,
        '--threads',
        String(embedded.threads),
        '--context-size',
        String(embedded.contextSize),
        '--parallel',
        String(config.slots),
        '--chat-wrapper',
        embedded.chatWrapper,
        '--gpu-layers',
        String(embedded.gpuLayers),
        '--embeddings',
        String(embedded.embeddings),
        ...config.args.map((argument) => substitute(argument, values)),
      ],
    };
  }
  return {
    command: substitute(config.command as string, values),
    args: config.args.map((argument) => substitute(argument, values)),
  };
}

/** The environment variable that carries a spawned worker's key. */
export const workerKeyVariable = 'KLODY_WORKER_KEY';

/**
 * A fresh secret for one spawn. The gateway sends it as `Authorization: Bearer <key>` on every relayed
 * request, so a worker that checks it (the embedded and voice workers do; llama-server does with
 * `env: { LLAMA_API_KEY: "{workerKey}" }`) answers the gateway only: without it, the worker's own port
 * bypassed the gateway's key and its Host/Origin checks.
 */
export function createWorkerKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A managed worker's environment: the registry's `env` with `{workerKey}`, `{port}`… replaced, plus
 * KLODY_WORKER_KEY. The key travels in the environment, never on the command line, which every local
 * user can read in /proc.
 */
export function workerEnvironment(
  config: ManagedWorkerConfig,
  configDirectory: string,
  workerKey: string,
): Record<string, string> {
  const values = { ...placeholderValues(config, configDirectory), workerKey };
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.env)) environment[name] = substitute(value, values);
  environment[workerKeyVariable] = workerKey;
  return environment;
}
