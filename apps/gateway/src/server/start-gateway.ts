// Wiring: registry → manager (adopting what still runs) → Hono app → HTTP server, with SIGHUP reload.
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { checkBindRule, isLoopbackAddress, serve } from '@klody/service';
import { GatewayError } from '../errors/index.js';
import { createGatewayApp, GatewayMetrics } from '../http/index.js';
import { type LoadedRegistry, loadRegistry } from '../registry/index.js';
import { createSystemMemoryProbe, type MemoryProbe } from '../system-memory/index.js';
import {
  createProcessRuntime,
  LogFiles,
  type Logger,
  PidRecords,
  type ProcessRuntime,
  WorkerManager,
} from '../workers/index.js';
import { readGatewayEnvironment } from './gateway-environment.js';
import { readLiveGateway, writeGatewayPidFile } from './gateway-pid-file.js';
import { createJsonLogger } from './json-logger.js';
import { gatewayHome } from './klody-home.js';

export interface StartGatewayOptions {
  /** Path of the registry file. */
  config: string;
  host?: string;
  port?: number;
  allowNonLoopback?: boolean;
  environment?: Record<string, string | undefined>;
  logger?: Logger;
  /** Injected for tests: process effects and memory measurement. */
  runtime?: (logs: LogFiles) => ProcessRuntime;
  memory?: MemoryProbe;
  killWaitMs?: number;
  /** Monitor interval override (ms). */
  monitorIntervalMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  manager: WorkerManager;
  server: Server;
  adopted: string[];
  /** Re-reads the registry file; a bad file is reported and the current registry kept. */
  reload(): { ok: boolean; message: string };
  /** Stops serving; with `workers`, stops the worker processes too (else they stay for adoption). */
  close(options?: { workers?: boolean }): Promise<void>;
}

export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const environment = options.environment ?? process.env;
  const variables = readGatewayEnvironment(environment);
  const logger = options.logger ?? createJsonLogger(variables.KLODY_LOG_LEVEL);
  let loaded: LoadedRegistry = loadRegistry(options.config, environment);
  const server = loaded.registry.server;
  const host = options.host ?? server.host;
  const port = options.port ?? variables.KLODY_GATEWAY_PORT ?? server.port;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new GatewayError('invalid_config', `invalid port ${port}`);
  const apiKey = environment[server.apiKeyEnv]?.trim() || null;
  const allowNonLoopback = options.allowNonLoopback ?? server.allowNonLoopback;
  try {
    checkBindRule({ service: 'gateway', hostname: host, allowNonLoopback, apiKey });
  } catch (error) {
    throw new GatewayError(
      'unsafe_bind',
      `${(error as Error).message} (--allow-non-loopback or server.allowNonLoopback; the key in $${server.apiKeyEnv})`,
    );
  }

  const home = gatewayHome(environment);
  mkdirSync(home.run, { recursive: true });
  // Two gateways on one KLODY_HOME would both manage (and kill) the same workers.
  const running = readLiveGateway(home.pidFile);
  if (running && running.pid !== process.pid) {
    throw new GatewayError(
      'invalid_config',
      `another gateway (pid ${running.pid}, ${running.url}) already runs for ${home.root}; stop it first or use another KLODY_HOME`,
    );
  }
  const logs = new LogFiles({ directory: home.logs });
  const records = new PidRecords(home.run);
  const manager = new WorkerManager({
    registry: loaded.registry,
    configDirectory: loaded.directory,
    runtime: (options.runtime ?? createProcessRuntime)(logs),
    records,
    logs,
    memory: options.memory ?? createSystemMemoryProbe(),
    logger,
    killWaitMs: options.killWaitMs,
  });
  const adopted = await manager.adopt();
  manager.startMonitor(options.monitorIntervalMs);
  // In the background: the gateway answers (status, health) while its preloaded workers load.
  void manager.preload();

  const allowedHosts = [...server.allowedHosts];
  if (!isLoopbackAddress(host) && host !== '0.0.0.0' && host !== '::') allowedHosts.push(host);
  const app = createGatewayApp({
    manager,
    logger,
    metrics: new GatewayMetrics(),
    guard: { allowedHosts, allowedOrigins: server.allowedOrigins, apiKey },
    bodyLimitBytes: Math.round(server.bodyLimitMb * 1024 * 1024),
    audioBodyLimitBytes: Math.round(server.audioBodyLimitMb * 1024 * 1024),
  });

  // @klody/service serves it: the bind rule (checked above with the gateway's own error code), a JSON
  // 400 for malformed requests, and a close that lets requests in progress finish.
  const service = await serve({
    fetch: app.fetch,
    service: 'gateway',
    hostname: host,
    port,
    allowNonLoopback,
    apiKey,
  }).catch((error: unknown) => {
    throw new GatewayError('invalid_config', (error as Error).message);
  });
  const httpServer = service.server;
  httpServer.keepAliveTimeout = 65_000;
  const actualPort = service.port;
  const url = service.url;
  writeGatewayPidFile(home.pidFile, { pid: process.pid, url, config: loaded.path });
  logger.info('gateway ready', {
    url,
    pid: process.pid,
    config: loaded.path,
    adopted,
    workers: manager.workerConfigs().length,
    aliases: manager.aliases().length,
  });

  return {
    url,
    port: actualPort,
    manager,
    server: httpServer,
    adopted,
    reload() {
      try {
        const next = loadRegistry(options.config, environment);
        manager.reload(next.registry, next.directory);
        loaded = next;
        return { ok: true, message: `reloaded ${next.registry.workers.length} workers` };
      } catch (error) {
        logger.error('registry reload failed; keeping the current one', { error: (error as Error).message });
        return { ok: false, message: (error as Error).message };
      }
    },
    async close(closeOptions = {}) {
      await service.close({ graceMs: 5_000 });
      const result = await manager.shutdown({ workers: closeOptions.workers ?? false });
      if (result.failed.length > 0) logger.error('workers survived the shutdown', { workers: result.failed });
      rmSync(home.pidFile, { force: true });
      logger.info('gateway stopped', {
        workersStopped: result.stopped,
        workersLeftRunning: !closeOptions.workers,
      });
    },
  };
}
