import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeHealth, waitForHealthy } from './wait-for-healthy.js';

const servers: Server[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A server on 127.0.0.1; `port` to listen on a given one (to start late on a port known before). */
async function serve(handler: RequestListener, port = 0): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

/** A port nothing listens on (free a moment ago). */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const answering =
  (status: number): RequestListener =>
  (_request, response) => {
    response.statusCode = status;
    response.end('{}');
  };

describe('probeHealth', () => {
  it('is healthy on a 2xx, and names the status otherwise', async () => {
    expect(await probeHealth(await serve(answering(204)), { timeoutMs: 2_000 })).toEqual({
      healthy: true,
      status: 204,
      problem: null,
    });
    expect(await probeHealth(await serve(answering(503)), { timeoutMs: 2_000 })).toEqual({
      healthy: false,
      status: 503,
      problem: 'answered 503',
    });
  });

  it('takes the status that counts as ready from the caller', async () => {
    const url = await serve(answering(401));
    const answer = await probeHealth(url, { timeoutMs: 2_000, isReady: (status) => status === 401 });
    expect(answer.healthy).toBe(true);
  });

  it('says why nothing answered: a refused connection, or no answer in time', async () => {
    const refused = await probeHealth(`http://127.0.0.1:${await unusedPort()}/`, { timeoutMs: 2_000 });
    expect(refused).toMatchObject({ healthy: false, status: null });
    expect(refused.problem).toMatch(/ECONNREFUSED/);
    const silent = await serve(() => {}); // accepts, never answers
    const started = Date.now();
    expect(await probeHealth(silent, { timeoutMs: 150 })).toEqual({
      healthy: false,
      status: null,
      problem: 'no answer within 150 ms',
    });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('rejects with the reason when the caller aborts', async () => {
    const silent = await serve(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the process exited')), 50);
    await expect(probeHealth(silent, { timeoutMs: 10_000, signal: controller.signal })).rejects.toThrow(
      'the process exited',
    );
  });
});

describe('waitForHealthy', () => {
  it('waits for a server that starts late and answers 503 before 200', async () => {
    const port = await unusedPort();
    let calls = 0;
    setTimeout(() => {
      void serve((_request, response) => {
        calls++;
        response.statusCode = calls < 3 ? 503 : 200;
        response.end('ok');
      }, port);
    }, 100);
    const answer = await waitForHealthy(`http://127.0.0.1:${port}/health`, { timeoutMs: 5_000 });
    expect(answer).toEqual({ healthy: true, status: 200, problem: null });
    expect(calls).toBe(3);
  });

  it('resolves with the last problem once the time is up', async () => {
    const url = await serve(answering(503));
    const started = Date.now();
    const answer = await waitForHealthy(url, { timeoutMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(answer).toEqual({ healthy: false, status: 503, problem: 'answered 503' });
  });

  it('looks at least once, even with no time left', async () => {
    const url = await serve(answering(200));
    expect((await waitForHealthy(url, { timeoutMs: 0 })).healthy).toBe(true);
  });

  it('doubles the pause between looks up to the longest one', async () => {
    const looks: number[] = [];
    const answer = await waitForHealthy('http://fake/health', {
      timeoutMs: 2_000,
      intervalMs: 20,
      maxIntervalMs: 80,
      probe: async (_url, timeoutMs) => {
        looks.push(Date.now());
        expect(timeoutMs).toBeGreaterThan(1_000); // the default look limit, or the time left
        expect(timeoutMs).toBeLessThanOrEqual(2_000);
        return looks.length === 6;
      },
    });
    expect(answer).toEqual({ healthy: true, status: null, problem: null });
    const pauses = looks.slice(1).map((time, index) => time - (looks[index] as number));
    // 20, 40, 80, 80, 80 ms (timers may fire a little late, never early)
    for (const [index, pause] of pauses.entries()) {
      expect(pause).toBeGreaterThanOrEqual([20, 40, 80, 80, 80][index] as number);
    }
    expect(pauses[4]).toBeLessThan(200);
  });

  it('stops at once, rejecting with the reason, when the signal aborts', async () => {
    const url = await serve(answering(503));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('exited while starting')), 100);
    const started = Date.now();
    await expect(waitForHealthy(url, { timeoutMs: 10_000, signal: controller.signal })).rejects.toThrow(
      'exited while starting',
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    const custom = waitForHealthy(url, {
      timeoutMs: 10_000,
      signal: controller.signal,
      probe: async () => false,
    });
    await expect(custom).rejects.toThrow('exited while starting');
  });
});
