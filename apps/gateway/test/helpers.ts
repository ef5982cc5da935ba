// Shared set-up of the gateway's process tests: temporary KLODY_HOME folders, registries written to
// disk, gateways started in this process or as real CLI processes, and clean-up of every worker.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { RegistryInput } from '../src/registry/index.js';
import { PidRecords } from '../src/workers/index.js';

export const gatewayRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const testWorkerScript = join(gatewayRoot, 'test', 'fixtures', 'test-worker.mjs');
export const cliScript = join(gatewayRoot, 'src', 'cli.ts');

export function temporaryHome(): string {
  return mkdtempSync(join(tmpdir(), 'klody-gateway-test-'));
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
): Record<string, unknown> {
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
  };
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
