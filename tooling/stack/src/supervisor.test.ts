import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, isProcessAlive } from '@klody/test-helpers';
import { describe, expect, it } from 'vitest';
import type { ServiceDefinition } from './service-definition.js';
import { StackError } from './stack-error.js';
import { startStack } from './supervisor.js';

const server = fileURLToPath(new URL('../fixtures/health-server.mjs', import.meta.url));

async function service(name: string, env: Record<string, string> = {}): Promise<ServiceDefinition> {
  const port = await freePort();
  return {
    name,
    command: process.execPath,
    args: [server],
    env: { PORT: String(port), ...env },
    url: `http://127.0.0.1:${port}/`,
    healthUrl: `http://127.0.0.1:${port}/health`,
    readyTimeoutMs: 5_000,
    stopGraceMs: 500,
  };
}

describe('startStack', () => {
  it('starts services in order once each is healthy, then stops them all politely', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'klody-stack-'));
    const first = await service('first', { STOP_MARKER: join(folder, 'first'), READY_AFTER_MS: '300' });
    const second = await service('second', { STOP_MARKER: join(folder, 'second') });
    const ready: string[] = [];
    const lines: string[] = [];
    const stack = await startStack([first, second], {
      onReady: (started) => ready.push(started.name),
      log: (line) => lines.push(line),
    });

    expect(ready).toEqual(['first', 'second']);
    expect(stack.services.map((started) => started.url)).toEqual([first.url, second.url]);
    expect((await fetch(second.healthUrl)).status).toBe(200);
    expect(lines.some((line) => line.startsWith('[first] listening on'))).toBe(true);

    await stack.stop();
    for (const started of stack.services) expect(isProcessAlive(started.pid)).toBe(false);
    expect(existsSync(join(folder, 'first'))).toBe(true);
    expect(existsSync(join(folder, 'second'))).toBe(true);
  });

  it('kills a service that ignores SIGTERM after its grace period', async () => {
    const stubborn = await service('stubborn', { IGNORE_SIGTERM: '1' });
    const stack = await startStack([stubborn], { log: () => {} });
    const [started] = stack.services;
    await stack.stop();
    expect(isProcessAlive(started?.pid ?? 0)).toBe(false);
  });

  it('names the service that cannot start, quotes its output, and stops those already started', async () => {
    const healthy = await service('healthy');
    const broken = await service('broken', { EXIT_AT_ONCE: '1' });
    const pids: number[] = [];
    const failure = await startStack([healthy, broken], {
      log: () => {},
      onReady: (started) => pids.push(started.pid),
    }).catch((error: unknown) => error);

    expect(StackError.isInstance(failure)).toBe(true);
    expect((failure as StackError).service).toBe('broken');
    expect((failure as StackError).message).toMatch(/broken exited \(code 3[\s\S]*configuration is broken/);
    expect(pids).toHaveLength(1);
    expect(isProcessAlive(pids[0] ?? 0)).toBe(false);
  });

  it('reports a service that crashes after start-up', async () => {
    const crashing = await service('crashing');
    const stack = await startStack([crashing], { log: () => {} });
    process.kill(stack.services[0]?.pid ?? 0, 'SIGKILL');
    const exit = await stack.unexpectedExit;
    expect(exit).toEqual({ service: 'crashing', code: null, signal: 'SIGKILL' });
    await stack.stop();
  });
});
