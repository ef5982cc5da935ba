// Replicas and fallbacks with real processes: a route of three fixture workers (two remote ones this
// test starts and kills itself, one managed by the gateway) under a steady concurrent load. Killing
// replicas (SIGKILL) fails no client request while a healthy one remains; the dead remote's circuit
// opens, and closes again through its half-open trial once the test brings it back — in /admin/status
// and in /metrics. A route whose workers are all down or refuse is served by its fallback; with no
// fallback the client gets a JSON 503 naming what was tried.
import { type ChildProcess, spawn } from 'node:child_process';
import type { WorkerStatus } from '@klody/gateway-client/schemas';
import { freePorts } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
import {
  killRecordedWorkers,
  postJson,
  startQuietGateway,
  temporaryHome,
  testWorker,
  testWorkerScript,
  waitFor,
  writeRegistry,
} from './helpers.js';

const home = temporaryHome();
let gateway: RunningGateway;
let remotePorts: { a: number; b: number };
/** The remote replicas' processes, started by this test (the gateway never manages them). */
const remotes = new Map<string, ChildProcess>();

/** Starts a fixture worker on `port` as a process of this test, and waits for its /health. */
async function startRemote(name: string, port: number): Promise<void> {
  const child = spawn(process.execPath, [testWorkerScript, '--port', String(port), '--name', name], {
    stdio: 'ignore',
  });
  remotes.set(name, child);
  await waitFor(
    async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok === true,
    15_000,
    `${name} to listen`,
  );
}

async function killRemote(name: string): Promise<void> {
  const child = remotes.get(name);
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function status(): Promise<WorkerStatus[]> {
  return (await (await fetch(`${gateway.url}/admin/status`)).json()).workers;
}

async function workerStatus(name: string): Promise<WorkerStatus> {
  const worker = (await status()).find((row) => row.name === name);
  if (!worker) throw new Error(`no status for ${name}`);
  return worker;
}

/** A routed worker's circuit, as /admin/status shows it. */
async function circuitOf(name: string): Promise<NonNullable<WorkerStatus['circuit']>> {
  const circuit = (await workerStatus(name)).circuit;
  if (!circuit) throw new Error(`${name} shows no circuit`);
  return circuit;
}

async function circuitMetric(worker: string): Promise<string | null> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return (
    text.match(new RegExp(`^klody_gateway_circuit_open\\{worker="${worker}"\\} (\\d)$`, 'm'))?.[1] ?? null
  );
}

beforeAll(async () => {
  const [a, b, c, spare, refuser, nothing] = (await freePorts(6)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  remotePorts = { a, b };
  await Promise.all([startRemote('remote-a', a), startRemote('remote-b', b)]);
  // Two slots each: six clients fill the remote replicas, so the gateway loads the managed one too.
  const remote = (name: string, port: number) => ({ name, url: `http://127.0.0.1:${port}/v1`, slots: 2 });
  gateway = await startQuietGateway(
    home,
    writeRegistry(home, {
      budgetGb: 4,
      workers: [
        remote('remote-a', a),
        remote('remote-b', b),
        testWorker('managed-c', c, { slots: 4 }),
        testWorker('spare', spare),
        testWorker('refuser', refuser, { extraArgs: ['--refuse-status', '503'] }),
        // Nothing listens there: a replica that is down from the start.
        remote('gone', nothing),
      ],
      routes: {
        chat: {
          workers: ['remote-a', 'remote-b', 'managed-c'],
          circuitBreaker: { failureThreshold: 3, coolDownSeconds: 1 },
        },
        guarded: { workers: ['gone', 'refuser'], fallbacks: ['spare-alias'] },
        doomed: { workers: ['gone'] },
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  await gateway?.close({ workers: true });
  killRecordedWorkers(home);
  for (const name of remotes.keys()) await killRemote(name);
});

/** A steady load on a route: `clients` loops, each sending its next request when the last ended. */
function steadyLoad(model: string, clients: number) {
  const served: Record<string, number> = {};
  const failures: string[] = [];
  let total = 0;
  let running = true;
  const loops = Array.from({ length: clients }, async (_, client) => {
    while (running) {
      try {
        // The answer's headers come 30 ms late, so that a killed replica has requests in flight.
        const response = await postJson(`${gateway.url}/v1/chat/completions`, {
          model,
          stream: true,
          headers_delay_ms: 30,
          messages: [{ role: 'user', content: `client ${client}` }],
        });
        const body = await response.json();
        if (response.status === 200 && typeof body.worker === 'string') {
          served[body.worker] = (served[body.worker] ?? 0) + 1;
        } else {
          failures.push(`${response.status} ${JSON.stringify(body)}`);
        }
      } catch (error) {
        failures.push(String(error));
      }
      total++;
    }
  });
  return {
    served,
    failures,
    get total() {
      return total;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('a route of replicas under load', () => {
  it('spreads the load, survives killed replicas without a failed request, and its breaker opens and closes', async () => {
    const load = steadyLoad('chat', 6);
    try {
      // 1. All three replicas serve.
      await waitFor(
        () => ['remote-a', 'remote-b', 'managed-c'].every((worker) => (load.served[worker] ?? 0) >= 5),
        60_000,
        'every replica to serve',
      );
      const spread = { ...load.served };
      expect(await circuitOf('remote-a')).toMatchObject({ state: 'closed', opens: 0 });
      expect(await circuitMetric('remote-a')).toBe('0');

      // 2. A remote replica dies: its circuit opens after its consecutive failures.
      await killRemote('remote-a');
      await waitFor(
        async () => (await circuitOf('remote-a')).opens >= 1,
        30_000,
        "remote-a's circuit to open",
      );
      const afterFirstKill = load.total;

      // 3. The managed replica dies too: the gateway sees its exit, and starts it again on use (remote-b
      // is full), while remote-b carries the load.
      const managed = await workerStatus('managed-c');
      if (managed.pid === null) throw new Error('managed-c has no process');
      process.kill(managed.pid, 'SIGKILL');
      const servedByB = load.served['remote-b'] ?? 0;
      const servedByC = load.served['managed-c'] ?? 0;
      await waitFor(
        async () =>
          (load.served['remote-b'] ?? 0) >= servedByB + 20 &&
          (load.served['managed-c'] ?? 0) >= servedByC + 5 &&
          (await workerStatus('managed-c')).starts >= managed.starts + 1,
        60_000,
        'remote-b and a restarted managed-c to serve',
      );
      const aWhileDown = load.served['remote-a'] ?? 0;
      // While down, remote-a's circuit is not closed: open, or half-open between failed trials.
      expect((await circuitOf('remote-a')).state).not.toBe('closed');
      expect(await circuitMetric('remote-a')).toBe('1');

      // 4. remote-a comes back: a half-open trial succeeds and closes its circuit; it serves again.
      await startRemote('remote-a', remotePorts.a);
      await waitFor(
        async () => (await workerStatus('remote-a')).circuit?.state === 'closed',
        30_000,
        "remote-a's circuit to close",
      );
      await waitFor(
        () => (load.served['remote-a'] ?? 0) >= aWhileDown + 5,
        30_000,
        'remote-a to serve again',
      );
      expect(await circuitMetric('remote-a')).toBe('0');
      await load.stop();

      const circuit = await circuitOf('remote-a');
      console.log(
        `replicas: ${load.total} requests, ${load.failures.length} failed; served before the kills ${JSON.stringify(spread)}, ` +
          `in all ${JSON.stringify(load.served)}; ${load.total - afterFirstKill} after the first kill; remote-a's circuit opened ${circuit.opens} times`,
      );
      expect(load.failures).toEqual([]);
      expect(circuit).toMatchObject({ state: 'closed', failures: 0 });
      expect(circuit.opens).toBeGreaterThanOrEqual(1);
    } finally {
      await load.stop();
    }
  }, 240_000);
});

describe('fallbacks and the end of the line', () => {
  it("streams a route's answer chunk by chunk, as for any alias", async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'chat',
      stream: true,
      chunks: 3,
      messages: [{ role: 'user', content: 'stream please' }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text.match(/^data: \{/gm)?.length).toBe(3);
    expect(text).toContain('data: [DONE]');
  });

  it('serves from the fallback alias when every worker of the route is down or refuses', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'guarded',
      messages: [{ role: 'user', content: 'anyone?' }],
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.worker).toBe('spare');
    // Both of the route's own workers were tried and counted against their circuits.
    expect((await circuitOf('gone')).failures).toBeGreaterThanOrEqual(1);
    expect((await circuitOf('refuser')).failures).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('answers a JSON 503 naming the route and what was tried when no worker and no fallback is left', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'doomed',
      messages: [{ role: 'user', content: 'anyone?' }],
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).not.toBeNull();
    const { error } = await response.json();
    expect(error.code).toBe('no_healthy_worker');
    expect(error.message).toContain('route "doomed"');
    expect(error.message).toMatch(/gone \((worker_unreachable|circuit open)/);
  });

  it('keeps a plain alias as it was: one worker, its own error, no retry elsewhere', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'gone',
      messages: [{ role: 'user', content: 'anyone?' }],
    });
    expect(response.status).toBe(502);
    expect((await response.json()).error.code).toBe('worker_unreachable');
  });

  it('lists routes in /v1/models with the workers and fallbacks behind them', async () => {
    const { data } = await (await fetch(`${gateway.url}/v1/models`)).json();
    expect(data.find((entry: { id: string }) => entry.id === 'guarded')).toMatchObject({
      route: { workers: ['gone', 'refuser'], fallbacks: ['spare-alias'] },
    });
  });

  it('names the routes among the known models when a model is unknown', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'nobody',
      messages: [{ role: 'user', content: 'hello?' }],
    });
    expect(response.status).toBe(404);
    const { error } = await response.json();
    expect(error.code).toBe('model_not_found');
    expect(error.message).toContain('guarded');
    expect(error.message).toContain('spare-alias');
  });
});
