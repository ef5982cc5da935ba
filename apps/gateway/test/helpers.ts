// Shared set-up of the gateway's process tests: temporary KLODY_HOME folders, registries written to
// disk, gateways started in this process or as real CLI processes, and clean-up of every worker.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { voiceWorkerEntry as sharedVoiceWorkerEntry } from '@klody/test-helpers';
import { afterAll, beforeAll } from 'vitest';
import { stringify } from 'yaml';
import type { z } from 'zod';
import type { managedWorkerSchema, RegistryInput } from '../src/registry/index.js';
import {
  createJsonLogger,
  type GatewayLogger,
  type RunningGateway,
  startGateway,
} from '../src/server/index.js';
import { PidRecords } from '../src/workers/index.js';

export const gatewayRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const testWorkerScript = join(gatewayRoot, 'test', 'fixtures', 'test-worker.mjs');
export const cliScript = join(gatewayRoot, 'src', 'cli.ts');

export function temporaryHome(): string {
  return mkdtempSync(join(tmpdir(), 'klody-gateway-test-'));
}

/**
 * The gateway's own JSON logger at info, writing into memory: the lines a person would read, parsed,
 * in `lines` (tests that check what the gateway logs).
 */
export function recordingLogger(): { logger: GatewayLogger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createJsonLogger('info', {
    write: (text: string) => {
      for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    },
  });
  return { logger, lines };
}

/** A gateway on a free port, its KLODY_HOME in `home`, logging nothing: what most process tests need. */
export function startQuietGateway(
  home: string,
  config: string,
  extra: Partial<Parameters<typeof startGateway>[0]> = {},
): Promise<RunningGateway> {
  return startGateway({
    config,
    port: 0,
    environment: { KLODY_HOME: home, KLODY_LOG_LEVEL: 'silent' },
    logger: createJsonLogger('silent'),
    ...extra,
  });
}

/**
 * A quiet gateway on `registry`, written to a new KLODY_HOME; `cleanups` (the test file's, run after
 * each test) gets its close, with its workers, and the kill of any worker left behind. It carries its
 * home and registry path, for tests that rewrite the registry.
 */
export async function startTestGateway(
  cleanups: Array<() => Promise<void> | void>,
  registry: RegistryInput | Record<string, unknown>,
  extra: Partial<Parameters<typeof startGateway>[0]> = {},
): Promise<RunningGateway & { home: string; config: string }> {
  const home = temporaryHome();
  const config = writeRegistry(home, registry as RegistryInput);
  const gateway = await startQuietGateway(home, config, extra);
  cleanups.push(async () => {
    await gateway.close({ workers: true }).catch(() => undefined);
    killRecordedWorkers(home);
  });
  return Object.assign(gateway, { home, config });
}

/**
 * For the suite it is called in: before its tests, a quiet gateway on the registry `registry()` gives,
 * written to a new KLODY_HOME; after them, the gateway closed with its workers and any worker left
 * behind killed. `hookTimeout` is the start's (vitest's default when not given).
 */
export function useQuietGateway(
  registry: () => RegistryInput | Promise<RegistryInput>,
  hookTimeout?: number,
): { readonly url: string } {
  const home = temporaryHome();
  let gateway: RunningGateway | undefined;
  beforeAll(async () => {
    gateway = await startQuietGateway(home, writeRegistry(home, await registry()));
  }, hookTimeout);
  afterAll(async () => {
    await gateway?.close({ workers: true });
    killRecordedWorkers(home);
  });
  return {
    get url() {
      if (!gateway) throw new Error('the gateway has not started');
      return gateway.url;
    },
  };
}

export function writeRegistry(home: string, registry: RegistryInput, name = 'registry.yaml'): string {
  const path = join(home, name);
  writeFileSync(path, stringify(registry));
  return path;
}

/** A managed worker entry running the test worker script. */
export function testWorker(
  name: string,
  port: number,
  options: { extraArgs?: string[]; estimatedGb?: number } & Record<string, unknown> = {},
): z.input<typeof managedWorkerSchema> {
  const { extraArgs = [], estimatedGb = 0.1, ...rest } = options;
  return {
    name,
    aliases: [`${name}-alias`],
    command: process.execPath,
    args: [testWorkerScript, '--port', '{port}', '--name', name, ...extraArgs],
    port,
    estimatedGb,
    startTimeoutSeconds: 15,
    stopTimeoutSeconds: 2,
    ...rest,
  } as z.input<typeof managedWorkerSchema>;
}

// Test code reads many JSON answers; typing each one adds nothing that the assertions do not check.
declare global {
  interface Response {
    // biome-ignore lint/suspicious/noExplicitAny: see above
    json(): Promise<any>;
  }
}

/** Kills (SIGKILL, whole group) every worker recorded under a KLODY_HOME: tests never leave one behind. */
export function killRecordedWorkers(home: string): void {
  let records: PidRecords;
  try {
    records = new PidRecords(join(home, 'gateway', 'run'));
  } catch {
    return;
  }
  for (const record of records.list()) {
    for (const target of [-record.pid, record.pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone
      }
    }
    records.remove(record.name);
  }
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The voice worker of @klody/voice as a managed worker on sources, with `--alias NAME=ENGINE` pairs. */
export function voiceWorkerEntry(
  port: number,
  aliases: Record<string, string>,
): z.input<typeof managedWorkerSchema> {
  return sharedVoiceWorkerEntry(port, aliases);
}
