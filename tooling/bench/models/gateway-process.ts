// The gateway as its own process for the model benchmarks (as `pnpm klody-gateway start` runs it, on
// sources through tsx), so that its CPU time is not mixed into the client's: a registry written to a
// temporary KLODY_HOME, the ready line awaited, and every worker stopped with it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repository = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const gatewayDirectory = join(repository, 'apps', 'gateway');

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface GatewayProcess {
  url: string;
  /** SIGTERM with --stop-workers-on-exit: the gateway and every worker it started. */
  stop(): Promise<void>;
}

/** Starts the gateway on a registry (an object, written as JSON, which is YAML) and waits for its ready line. */
export async function startGatewayProcess(registry: unknown): Promise<GatewayProcess> {
  const home = mkdtempSync(join(tmpdir(), 'klody-bench-models-'));
  const config = join(home, 'registry.json');
  writeFileSync(config, JSON.stringify(registry, null, 2));
  const port = await freePort();
  const require = createRequire(join(gatewayDirectory, 'package.json'));
  const tsxLoader = pathToFileURL(
    join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'),
  ).href;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      tsxLoader,
      '--conditions=@klody/source',
      join(gatewayDirectory, 'src', 'cli.ts'),
      'start',
      '--config',
      config,
      '--port',
      String(port),
      '--stop-workers-on-exit',
    ],
    {
      cwd: repository,
      env: { ...process.env, KLODY_HOME: home, KLODY_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((ready, fail) => {
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      if (output.includes('klody-gateway ready on')) ready();
    });
    child.once('exit', (code) => fail(new Error(`the gateway exited (code ${code}) before it was ready`)));
  });
  const exited = new Promise((done) => child.once('exit', done));
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 20_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export const round2 = (value: number) => Math.round(value * 100) / 100;
