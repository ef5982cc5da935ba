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
function embeddedEntry(): WorkerCommand {
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

/** The command line of a managed worker: the registry's command with `{port}` etc. replaced, or the embedded worker's. */
export function workerCommand(config: ManagedWorkerConfig, configDirectory: string): WorkerCommand {
  const values = {
    port: String(config.port),
    configDir: configDirectory,
    name: config.name,
    model: config.upstreamModel ?? config.aliases[0] ?? config.name,
  };
  if (config.embedded) {
    const entry = embeddedEntry();
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
