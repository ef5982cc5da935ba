#!/usr/bin/env node
// klody-gateway start|status|ensure|unload|reserve|stop — CONTRACTS.md: results on stdout (one JSON
// line with --json), logs on stderr; exit 0 success, 1 "no" (or the gateway failed), 2 bad usage/config.
import { createGatewayClient, GatewayClientError } from '@klody/gateway-client';
import { ConfigurationError } from '@klody/service';
import { Command, CommanderError } from 'commander';
import { renderStatusTable } from './cli/status-table.js';
import { stopGateway } from './cli/stop-command.js';
import { GatewayError } from './errors/index.js';
import { createJsonLogger, gatewayHome, readLiveGateway, startGateway } from './server/index.js';

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(code: number, message: string): never {
  process.stderr.write(`klody-gateway: ${message}\n`);
  process.exit(code);
}

/** The gateway's URL: --url, $KLODY_GATEWAY_URL, the running gateway's pid file, or the default port. */
function gatewayUrl(flag: string | undefined): string {
  if (flag) return flag;
  const fromEnvironment = process.env.KLODY_GATEWAY_URL;
  if (fromEnvironment && fromEnvironment !== 'none') return fromEnvironment;
  return (
    readLiveGateway(gatewayHome().pidFile)?.url ??
    `http://127.0.0.1:${process.env.KLODY_GATEWAY_PORT ?? 8090}`
  );
}

function client(flags: { url?: string }) {
  return createGatewayClient({
    baseURL: gatewayUrl(flags.url),
    apiKey: process.env.KLODY_GATEWAY_API_KEY || undefined,
  });
}

async function runClientCommand(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (GatewayClientError.isInstance(error)) {
      fail(
        error.code === 'invalid_argument' ||
          (error.status !== null &&
            error.status >= 400 &&
            error.status < 500 &&
            error.status !== 409 &&
            error.status !== 429)
          ? 2
          : 1,
        error.message,
      );
    }
    throw error;
  }
}

const program = new Command('klody-gateway')
  .description('The RAM-aware inference gateway of Klody')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

program
  .command('start')
  .description('run the gateway in the foreground')
  .requiredOption('-c, --config <file>', 'registry file (YAML or JSON)')
  .option('--host <address>', 'bind address (default from the file, 127.0.0.1)')
  .option('-p, --port <port>', 'port (default from the file, 8090)', (value) => Number(value))
  .option('--allow-non-loopback', 'allow a non-loopback bind (needs an API key too)')
  .option(
    '--stop-workers-on-exit',
    'stop the workers too on SIGINT/SIGTERM (default: leave them for adoption)',
  )
  .action(
    async (flags: {
      config: string;
      host?: string;
      port?: number;
      allowNonLoopback?: boolean;
      stopWorkersOnExit?: boolean;
    }) => {
      let gateway: Awaited<ReturnType<typeof startGateway>>;
      let logger: ReturnType<typeof createJsonLogger>;
      try {
        logger = createJsonLogger();
        gateway = await startGateway({
          config: flags.config,
          host: flags.host,
          port: flags.port,
          allowNonLoopback: flags.allowNonLoopback,
          logger,
        });
      } catch (error) {
        if (GatewayError.isInstance(error) || ConfigurationError.isInstance(error)) fail(2, error.message);
        throw error;
      }
      out(`klody-gateway ready on ${gateway.url}`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info('stopping', { signal, workers: Boolean(flags.stopWorkersOnExit) });
        await gateway.close({ workers: Boolean(flags.stopWorkersOnExit) });
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGHUP', () => {
        const result = gateway.reload();
        logger.info('SIGHUP', { ok: result.ok, detail: result.message });
      });
    },
  );

program
  .command('status')
  .description('show the workers (a table; --json for one JSON line)')
  .option('--url <url>', 'gateway base URL')
  .option('--json', 'one JSON line on stdout')
  .action((flags: { url?: string; json?: boolean }) =>
    runClientCommand(async () => {
      const status = await client(flags).status();
      out(flags.json ? JSON.stringify(status) : renderStatusTable(status));
    }),
  );

program
  .command('ensure <model>')
  .description('load a model (evicting idle ones if needed)')
  .option('--url <url>', 'gateway base URL')
  .option('--json', 'one JSON line on stdout')
  .action((model: string, flags: { url?: string; json?: boolean }) =>
    runClientCommand(async () => {
      const result = await client(flags).ensure(model);
      out(
        flags.json
          ? JSON.stringify(result)
          : `${result.worker} ${result.state} (pid ${result.pid ?? '-'})${result.started ? ', started' : ''}${result.evicted.length > 0 ? `, evicted ${result.evicted.join(', ')}` : ''}`,
      );
    }),
  );

program
  .command('unload <model>')
  .description('stop the worker serving a model')
  .option('--url <url>', 'gateway base URL')
  .option('--json', 'one JSON line on stdout')
  .action((model: string, flags: { url?: string; json?: boolean }) =>
    runClientCommand(async () => {
      const result = await client(flags).unload(model);
      out(
        flags.json
          ? JSON.stringify(result)
          : `${result.worker} ${result.unloaded ? 'unloaded' : 'was not running'}`,
      );
    }),
  );

program
  .command('reserve <gb>')
  .description('evict idle workers until <gb> GiB are measured free; exit 1 when not satisfied')
  .option('--url <url>', 'gateway base URL')
  .option('--json', 'one JSON line on stdout')
  .action((gbText: string, flags: { url?: string; json?: boolean }) =>
    runClientCommand(async () => {
      const gb = Number(gbText);
      if (!Number.isFinite(gb) || gb < 0) fail(2, `reserve needs a number of GiB ≥ 0, got "${gbText}"`);
      const result = await client(flags).reserve(gb);
      out(
        flags.json
          ? JSON.stringify(result)
          : `${result.satisfied ? 'satisfied' : 'NOT satisfied'}: ${result.freeGb} GiB free${result.evicted.length > 0 ? `, evicted ${result.evicted.join(', ')}` : ''}`,
      );
      if (!result.satisfied) process.exitCode = 1;
    }),
  );

program
  .command('stop')
  .description('stop the running gateway (its workers stay, for adoption); --workers stops them too')
  .option('--workers', 'also stop the worker processes')
  .option('--json', 'one JSON line on stdout')
  .action(async (flags: { workers?: boolean; json?: boolean }) => {
    const report = await stopGateway({ workers: Boolean(flags.workers) });
    out(
      flags.json
        ? JSON.stringify(report)
        : `gateway ${report.gateway.replace('_', ' ')}${flags.workers ? `; workers stopped: ${report.workersStopped.join(', ') || 'none'}` : ''}${report.workersFailed.length > 0 ? `; SURVIVED: ${report.workersFailed.join(', ')}` : ''}`,
    );
    if (report.gateway === 'survived' || report.workersFailed.length > 0) process.exitCode = 1;
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  process.stderr.write(`klody-gateway: ${(error as Error).message}\n`);
  process.exit(1);
}
