// A gateway restart never kills inference: the gateway is killed with SIGKILL, its worker keeps
// serving (its output goes to a file, not to a pipe that died), and the next gateway adopts it with
// the same PID instead of spawning a new one. Real CLI processes throughout.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePorts, isProcessAlive } from '@klody/test-helpers';
import { spawnForTest } from '@klody/test-helpers/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cliScript,
  gatewayRoot,
  killRecordedWorkers,
  postJson,
  temporaryHome,
  testWorker,
  waitFor,
  writeRegistry,
} from './helpers.js';

const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(
  join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;
const nodeArguments = ['--import', tsxLoader, '--conditions=@klody/source', cliScript];
const home = temporaryHome();
const environment = { ...process.env, KLODY_HOME: home, KLODY_LOG_LEVEL: 'info', KLODY_GATEWAY_URL: '' };

afterAll(() => killRecordedWorkers(home));

/** The JSON log lines of a process's stderr (other lines are left out). */
function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function startCli(config: string, port: number) {
  return spawnForTest(
    process.execPath,
    [...nodeArguments, 'start', '--config', config, '--port', String(port)],
    {
      cwd: gatewayRoot,
      env: environment,
    },
  );
}

function runCli(...args: string[]) {
  return spawnSync(process.execPath, [...nodeArguments, ...args], {
    cwd: gatewayRoot,
    env: environment,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('gateway killed with SIGKILL and restarted', () => {
  it('adopts the worker with the same PID and reaches it without a new spawn', async () => {
    const [gatewayPort, workerPort] = (await freePorts(2)) as [number, number];
    const config = writeRegistry(home, { budgetGb: 2, workers: [testWorker('keeper', workerPort)] });
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

    const first = startCli(config, gatewayPort);
    await first.waitForOutput(/klody-gateway ready on/, 30_000);
    const ensured = await (await postJson(`${gatewayUrl}/admin/ensure`, { model: 'keeper' })).json();
    expect(ensured).toMatchObject({ worker: 'keeper', state: 'ready', started: true });
    const pid = ensured.pid as number;

    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    expect(isProcessAlive(pid)).toBe(true);

    // The worker answers only the holder of its spawn key, recorded (owner-only) for the next gateway.
    const directRequest = {
      stream: true,
      chunks: 5,
      messages: [{ role: 'user', content: 'alone' }],
    };
    const keyless = await postJson(`http://127.0.0.1:${workerPort}/v1/chat/completions`, directRequest);
    expect(keyless.status).toBe(401);
    const recordPath = join(home, 'gateway', 'run', 'keeper.json');
    expect(statSync(recordPath).mode & 0o077).toBe(0);
    const { workerKey } = JSON.parse(readFileSync(recordPath, 'utf8')) as { workerKey: string };
    expect(workerKey).toMatch(/^[\w-]{40,}$/);

    // While the gateway is down, a request sent straight to the worker completes, and the worker keeps
    // writing its log (a pipe to the dead gateway would have broken).
    const logFile = join(home, 'gateway', 'logs', 'keeper.log');
    const logSize = statSync(logFile).size;
    const direct = await fetch(`http://127.0.0.1:${workerPort}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${workerKey}` },
      body: JSON.stringify(directRequest),
    });
    expect(await direct.text()).toContain('keeper:4');
    await waitFor(() => statSync(logFile).size > logSize, 5_000, 'the worker to keep logging');

    const second = startCli(config, gatewayPort);
    await second.waitForOutput(/klody-gateway ready on/, 30_000);
    expect(logLines(second.stderr())).toContainEqual(
      expect.objectContaining({ message: 'adopted worker', worker: 'keeper', pid: expect.any(Number) }),
    );
    const status = await (await fetch(`${gatewayUrl}/admin/status`)).json();
    expect(status.workers[0]).toMatchObject({
      name: 'keeper',
      state: 'ready',
      pid,
      adopted: true,
      starts: 0,
    });

    const relayed = await postJson(`${gatewayUrl}/v1/chat/completions`, {
      model: 'keeper-alias',
      messages: [{ role: 'user', content: 'again' }],
    });
    expect((await relayed.json()).choices[0].message.content).toBe('keeper heard: again');
    const after = await (await fetch(`${gatewayUrl}/admin/status`)).json();
    expect(after.workers[0]).toMatchObject({ pid, starts: 0, requests: 1 });

    // SIGHUP reloads the file: a new alias is routed at once, the adopted worker keeps its PID.
    writeRegistry(home, {
      budgetGb: 2,
      workers: [testWorker('keeper', workerPort, { aliases: ['hup-alias'] })],
    });
    process.kill(second.pid, 'SIGHUP');
    await second.waitForOutput(/"ok":true.*"message":"SIGHUP"/, 10_000);
    const renamed = await postJson(`${gatewayUrl}/v1/chat/completions`, {
      model: 'hup-alias',
      messages: [{ role: 'user', content: 'hup' }],
    });
    expect((await renamed.json()).choices[0].message.content).toBe('keeper heard: hup');
    expect((await (await fetch(`${gatewayUrl}/admin/status`)).json()).workers[0]).toMatchObject({
      pid,
      starts: 0,
    });

    // The CLI status prints a table naming the adopted worker.
    const table = runCli('status', '--url', gatewayUrl);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/keeper\s+ready \(adopted\)\s+\d+\s+no/);

    // Stopping the gateway alone leaves the worker for the next start; `stop --workers` stops it too.
    const stop = runCli('stop');
    expect(stop.stdout.trim()).toBe('gateway stopped');
    await second.exited;
    expect(isProcessAlive(pid)).toBe(true);
    const stopAll = runCli('stop', '--workers', '--json');
    expect(JSON.parse(stopAll.stdout)).toEqual({
      gateway: 'not_running',
      workersStopped: ['keeper'],
      workersFailed: [],
    });
    expect(isProcessAlive(pid)).toBe(false);
  }, 90_000);

  it('does not adopt (nor kill) a recorded PID that no longer listens on the port', async () => {
    const [gatewayPort, workerPort] = (await freePorts(2)) as [number, number];
    const otherHome = temporaryHome();
    const config = writeRegistry(otherHome, { budgetGb: 2, workers: [testWorker('ghost', workerPort)] });
    // A record pointing at a live process that is not the worker (this test process).
    const { PidRecords } = await import('../src/workers/index.js');
    new PidRecords(join(otherHome, 'gateway', 'run')).write({
      name: 'ghost',
      pid: process.pid,
      port: workerPort,
      command: 'x',
      args: [],
      startTime: null,
      startedAt: 0,
      logFile: 'x',
    });
    const gateway = spawnForTest(
      process.execPath,
      [...nodeArguments, 'start', '--config', config, '--port', String(gatewayPort)],
      {
        cwd: gatewayRoot,
        env: { ...environment, KLODY_HOME: otherHome },
      },
    );
    await gateway.waitForOutput(/klody-gateway ready on/, 30_000);
    expect(logLines(gateway.stderr())).toContainEqual(
      expect.objectContaining({
        message: 'not adopting a recorded worker',
        why: expect.stringMatching(/does not listen on port/),
      }),
    );
    const status = await (await fetch(`http://127.0.0.1:${gatewayPort}/admin/status`)).json();
    expect(status.workers[0]).toMatchObject({ state: 'stopped', pid: null });
    await gateway.stop();
  }, 60_000);

  it('refuses a second gateway on the same KLODY_HOME, and never signals a stale PID', async () => {
    const [gatewayPort, otherPort, workerPort] = (await freePorts(3)) as [number, number, number];
    const ownHome = temporaryHome();
    const config = writeRegistry(ownHome, { budgetGb: 1, workers: [testWorker('solo', workerPort)] });
    const ownEnvironment = { ...environment, KLODY_HOME: ownHome };
    const first = spawnForTest(
      process.execPath,
      [...nodeArguments, 'start', '--config', config, '--port', String(gatewayPort)],
      {
        cwd: gatewayRoot,
        env: ownEnvironment,
      },
    );
    await first.waitForOutput(/klody-gateway ready on/, 30_000);
    const second = spawnSync(
      process.execPath,
      [...nodeArguments, 'start', '--config', config, '--port', String(otherPort)],
      {
        cwd: gatewayRoot,
        env: ownEnvironment,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/another gateway \(pid \d+/);
    await first.stop();

    // A pid file left behind whose PID now belongs to another program (this test process, with
    // another start time): `stop` must not signal it.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(ownHome, 'gateway', 'gateway.pid'),
      JSON.stringify({ pid: process.pid, url: 'x', config: null, startTime: '1' }),
    );
    const stop = spawnSync(process.execPath, [...nodeArguments, 'stop', '--json'], {
      cwd: gatewayRoot,
      env: ownEnvironment,
      encoding: 'utf8',
    });
    expect(JSON.parse(stop.stdout)).toMatchObject({ gateway: 'not_running' });
    expect(isProcessAlive(process.pid)).toBe(true);
  }, 60_000);

  it('exits 2 with a one-line message on a bad configuration or an unsafe bind', async () => {
    const bad = writeRegistry(home, { budgetGb: -1, workers: [] } as never, 'bad.yaml');
    const invalid = runCli('start', '--config', bad);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toMatch(/budgetGb/);
    const [workerPort] = (await freePorts(1)) as [number];
    const good = writeRegistry(home, { budgetGb: 1, workers: [testWorker('w', workerPort)] }, 'good.yaml');
    const unsafe = runCli('start', '--config', good, '--host', '0.0.0.0', '--port', '0');
    expect(unsafe.status).toBe(2);
    expect(unsafe.stderr).toMatch(/0\.0\.0\.0 is not a loopback address.*--allow-non-loopback/);
    // An unknown log level once logged silently at "info" (more than "fatal" asked for).
    const loud = spawnSync(process.execPath, [...nodeArguments, 'start', '--config', good, '--port', '0'], {
      cwd: gatewayRoot,
      env: { ...environment, KLODY_LOG_LEVEL: 'verbose' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(loud.status).toBe(2);
    expect(loud.stderr.trim().split('\n')).toHaveLength(1);
    expect(loud.stderr).toMatch(/KLODY_LOG_LEVEL/);
  }, 60_000);
});
