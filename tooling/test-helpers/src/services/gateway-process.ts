import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../data/index.js';
import { freePort } from '../ports/index.js';
import type { ProcessReaper, ReapedProcess } from '../processes/index.js';
import { sourceArguments } from './source-arguments.js';

const gatewayEntry = 'apps/gateway/src/cli.ts';

/**
 * One worker of the registry, as a plain object (this package does not depend on the gateway: its
 * schema checks the entry when the registry is read). See e5WorkerEntry and gemmaEmbeddedWorkerEntry.
 */
export type GatewayWorkerEntry = { readonly port?: number; readonly [key: string]: unknown };

export interface GatewayProcessOptions {
  /** Its KLODY_HOME: the registry is written there, and the gateway records its workers there. */
  home: string;
  workers: readonly GatewayWorkerEntry[];
  /** The registry's memory budget, in GB. */
  budgetGb: number;
  /** More environment, over the defaults (warnings only): an API key, for one. */
  env?: Record<string, string>;
}

export interface GatewayProcess {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  process: ReapedProcess;
  /**
   * Stops the gateway (SIGTERM: with --stop-workers-on-exit it stops its workers too), then runs
   * `stop --workers`, which stops a worker left behind by a gateway that had to be killed.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The gateway as a real process, as a user starts it (its CLI's `start`, on sources), serving the
 * given workers. Resolves once it prints that it is ready. The reaper stops it after the tests if
 * they do not; call `stop` to also catch workers a killed gateway left behind.
 */
export async function startGatewayProcess(
  reaper: ProcessReaper,
  options: GatewayProcessOptions,
): Promise<GatewayProcess> {
  // The workers' ports were chosen by the caller: the gateway's must differ from them.
  const workerPorts = new Set(options.workers.map((worker) => worker.port));
  let port = await freePort();
  while (workerPorts.has(port)) port = await freePort();
  mkdirSync(options.home, { recursive: true });
  // JSON is YAML: the registry as the gateway reads it.
  const registry = join(options.home, 'registry.json');
  writeFileSync(registry, JSON.stringify({ budgetGb: options.budgetGb, workers: options.workers }));
  const environment = { ...process.env, KLODY_HOME: options.home, KLODY_LOG_LEVEL: 'warn', ...options.env };
  const gateway = reaper.spawn(
    process.execPath,
    sourceArguments(gatewayEntry, [
      'start',
      '--config',
      registry,
      '--port',
      String(port),
      '--stop-workers-on-exit',
    ]),
    { cwd: repositoryRoot(), env: environment },
  );
  await gateway.waitForOutput(/klody-gateway ready on/, 60_000);

  async function stop(graceMs = 10_000): Promise<void> {
    await gateway.stop(graceMs);
    spawnSync(process.execPath, sourceArguments(gatewayEntry, ['stop', '--workers']), {
      cwd: repositoryRoot(),
      env: environment,
      timeout: 20_000,
    });
  }

  return { url: `http://127.0.0.1:${port}`, process: gateway, stop };
}
