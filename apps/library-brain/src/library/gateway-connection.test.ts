import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FaultKind, type FaultUpstream, startFaultUpstream } from '@klody/test-helpers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config/config.js';
import { createGatewayConnection, type GatewayConnection } from './gateway-connection.js';

// The gateway is a real HTTP server on loopback: a fault upstream (each fault on `/v1/models` only),
// or a server answering the Klody gateway's own model list. What is under test is how Library Brain
// reads that list through @klody/gateway-client, and the health it reports.
const checkSeconds = 0.3;
const connections: GatewayConnection[] = [];
const logged: string[] = [];

function connect(environment: Record<string, string>): GatewayConnection {
  const config = readConfig({
    KLODY_HOME: mkdtempSync(join(tmpdir(), 'klody-gateway-connection-')),
    KLODY_LIBRARY_BRAIN_GATEWAY_CHECK_TIMEOUT: String(checkSeconds),
    ...environment,
  });
  const connection = createGatewayConnection({
    config,
    log: (message) => logged.push(message),
    retryMs: 0,
    prepareEmbedder: (embedder) => embedder,
  });
  connections.push(connection);
  return connection;
}

afterEach(() => {
  for (const connection of connections.splice(0)) connection.close();
  logged.length = 0;
});

describe('the gateway connection, through a fault upstream', () => {
  let upstream: FaultUpstream;
  beforeAll(async () => {
    upstream = await startFaultUpstream();
  });
  afterEach(() => upstream.setFault('ok'));
  afterAll(() => upstream?.close());

  it('is ok once the gateway has listed its models and its embedder has answered', async () => {
    const connection = connect({ KLODY_GATEWAY_URL: upstream.url });
    expect(connection.health().state).toBe('checking');
    await connection.settled();
    expect(connection.health()).toEqual({ state: 'ok', reason: null });
    expect(connection.serves('brain')).toBe(true);
    expect(connection.serves('embed')).toBe(true);
    expect(connection.serves('rerank')).toBe(false);
    expect(connection.usable('chat')).toBe(true);
    expect(connection.embedder()?.dimensions).toBe(16);
  });

  const unreachable: { fault: FaultKind; says: string }[] = [
    { fault: 'html-200', says: 'answered text/html; charset=utf-8, not a model list' },
    { fault: 'html-500', says: 'failed with 500' },
    { fault: 'wrong-shape-json', says: 'answered JSON that is not a model list' },
    { fault: 'hang', says: `did not answer within ${checkSeconds * 1000} ms` },
    { fault: 'slow-trickle', says: `did not answer within ${checkSeconds * 1000} ms` },
    { fault: 'reset', says: 'cannot reach the gateway' },
    { fault: 'down', says: 'cannot reach the gateway' },
  ];
  for (const { fault, says } of unreachable) {
    it(`is unreachable, saying why and naming the gateway, within the check limit: ${fault}`, async () => {
      if (fault === 'down') await upstream.setFault('down');
      else await upstream.setFault(fault, ['models']);
      const started = performance.now();
      const connection = connect({ KLODY_GATEWAY_URL: upstream.url });
      await connection.settled();
      expect(performance.now() - started).toBeLessThan(checkSeconds * 1000 + 1_000);
      const health = connection.health();
      expect(health.state).toBe('unreachable');
      expect(health.reason).toContain(upstream.url);
      expect(health.reason).toContain(says);
      expect(connection.serves('brain')).toBe(false);
      expect(connection.usable('chat')).toBe(false);
      expect(connection.embedder()).toBeNull();
      expect(logged.join('\n')).toContain(`the gateway at ${upstream.url} is unreachable`);
    });
  }

  it('is ok again at the next check once the gateway lists its models', async () => {
    await upstream.setFault('html-200', ['models']);
    const connection = connect({ KLODY_GATEWAY_URL: upstream.url });
    await connection.settled();
    expect(connection.health().state).toBe('unreachable');
    await upstream.setFault('ok');
    await connection.refresh();
    expect(connection.health()).toEqual({ state: 'ok', reason: null });
    expect(connection.usable('chat')).toBe(true);
  });

  it('stops waiting on a gateway that hangs when it is closed', async () => {
    await upstream.setFault('hang', ['models']);
    const connection = connect({
      KLODY_GATEWAY_URL: upstream.url,
      KLODY_LIBRARY_BRAIN_GATEWAY_CHECK_TIMEOUT: '60',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    connection.close();
    await connection.settled();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(logged).toEqual([]);
  });
});

describe("the gateway connection, against the Klody gateway's own model list", () => {
  let server: Server;
  let url: string;
  const seen: { authorization: string | undefined; path: string | undefined }[] = [];

  beforeAll(async () => {
    // What apps/gateway answers: one entry per worker name and per alias, with the worker behind it.
    const entry = (id: string, worker: string, kind: string) => ({
      id,
      object: 'model',
      created: 0,
      owned_by: 'klody-gateway',
      worker,
      kind,
      remote: false,
    });
    server = createServer((request, response) => {
      seen.push({ authorization: request.headers.authorization, path: request.url });
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          object: 'list',
          data: [
            entry('qwen', 'qwen', 'chat'),
            entry('brain', 'qwen', 'chat'),
            entry('ranker', 'ranker', 'rerank'),
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves every alias the list names, and sends the bearer key', async () => {
    const connection = connect({
      KLODY_GATEWAY_URL: url,
      KLODY_GATEWAY_API_KEY: 'library-key',
      KLODY_RERANK_MODEL: 'ranker',
    });
    await connection.settled();
    // No `embed` alias: nothing to check beyond the list, and search stays lexical.
    expect(connection.health()).toEqual({ state: 'ok', reason: null });
    expect(['qwen', 'brain', 'ranker', 'embed'].map((model) => connection.serves(model))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(connection.usable('chat')).toBe(true);
    expect(connection.usable('embeddings')).toBe(false);
    expect(seen.at(-1)).toEqual({ authorization: 'Bearer library-key', path: '/v1/models' });
  });

  it('is disabled, asking nothing, without a gateway', async () => {
    const before = seen.length;
    const connection = connect({ KLODY_GATEWAY_URL: 'none' });
    await connection.settled();
    expect(connection.health()).toEqual({ state: 'disabled', reason: null });
    expect(connection.serves('brain')).toBe(false);
    expect(seen.length).toBe(before);
  });
});
