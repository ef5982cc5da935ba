// Klody's MCP server under the agent's `/mcp`, where things go wrong: foreign hosts and missing keys
// are refused before the protocol sees the request; a gateway or a Library Brain that is down or hangs
// is an isError result naming it and its URL, within the time limits; an internal error reaches the
// client without its details. Real HTTP, the real agent server, the SDK's own Client.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@klody/service';
import { rawRequest } from '@klody/service/testing';
import { freePorts } from '@klody/test-helpers';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from './fake-openai-server.js';
import { connectOverHttp, textOf } from './mcp-connections.js';

let gateway: FakeOpenAIServer;
/** Ports nobody listens on: a gateway and organs that are down. */
let downGatewayURL: string;
let downLibraryURL: string;
let downVocalURL: string;
const running: { server: RunningServer; client: Client | null }[] = [];

beforeAll(async () => {
  gateway = await startFakeOpenAIServer();
  const [gatewayPort, libraryPort, vocalPort] = await freePorts(3);
  downGatewayURL = `http://127.0.0.1:${gatewayPort}`;
  downLibraryURL = `http://127.0.0.1:${libraryPort}`;
  downVocalURL = `http://127.0.0.1:${vocalPort}`;
});
afterAll(async () => {
  await gateway?.close();
});
afterEach(async () => {
  for (const { server, client } of running.splice(0)) {
    await client?.close();
    await server.close({ graceMs: 100 });
  }
  gateway.replies.length = 0;
  gateway.requests.length = 0;
});

async function start(
  env: Record<string, string>,
  options: { logLines?: string[]; headers?: Record<string, string>; connect?: boolean } = {},
): Promise<{ server: RunningServer; client: Client }> {
  const config = readConfig({
    KLODY_HOME: mkdtempSync(join(tmpdir(), 'klody-mcp-http-')),
    KLODY_GATEWAY_URL: gateway.url,
    KLODY_LIBRARY_BRAIN_URL: downLibraryURL,
    KLODY_VOCALBRAIN_URL: downVocalURL,
    ...env,
  });
  const lines = options.logLines;
  const logger = lines
    ? createLogger({ service: 'agent', level: 'error', destination: { write: (line) => lines.push(line) } })
    : undefined;
  const server = await startServer(config, { port: 0, ...(logger ? { logger } : {}) });
  const entry: { server: RunningServer; client: Client | null } = { server, client: null };
  running.push(entry);
  if (options.connect === false) return { server, client: null as unknown as Client };
  entry.client = await connectOverHttp(`${server.url}/mcp`, options.headers);
  return { server, client: entry.client };
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const protocolHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('/mcp on the agent’s server', () => {
  it('refuses a foreign Host with 403 and answers GET with a JSON 405', async () => {
    const { server } = await start({}, { connect: false });
    const foreign = await rawRequest(server.url, {
      method: 'POST',
      path: '/mcp',
      headers: { ...protocolHeaders, host: 'evil.example' },
      body: initialize,
    });
    expect(foreign.status).toBe(403);
    expect(foreign.errorCode).not.toBeNull();
    const loopback = await rawRequest(server.url, {
      method: 'POST',
      path: '/mcp',
      headers: { ...protocolHeaders, host: new URL(server.url).host },
      body: initialize,
    });
    expect(loopback.status).toBe(200);
    expect(JSON.parse(loopback.body)).toMatchObject({ result: { serverInfo: { name: 'klody' } } });
    const get = await fetch(`${server.url}/mcp`);
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('asks for the agent’s API key when one is set (401 without it), like /api/*', async () => {
    const { server } = await start({ KLODY_AGENT_API_KEY: 'klody-secret' }, { connect: false });
    const without = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: protocolHeaders,
      body: initialize,
    });
    expect(without.status).toBe(401);
    expect(await without.json()).toMatchObject({ error: { code: expect.any(String) } });
    const wrong = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { ...protocolHeaders, authorization: 'Bearer nope' },
      body: initialize,
    });
    expect(wrong.status).toBe(401);
    const client = await connectOverHttp(`${server.url}/mcp`, { authorization: 'Bearer klody-secret' });
    running.push({ server, client });
    expect((await client.listTools()).tools).toHaveLength(7);
  });

  it('makes rag_query an isError naming Library Brain and its URL when it is down', async () => {
    const { client } = await start({});
    const result = await client.callTool({ name: 'rag_query', arguments: { question: 'Who is Pangloss?' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`Library Brain is not running at ${downLibraryURL} (connection refused)`);
  });

  it('makes chat, complete and summarize isError results naming the gateway when it is down', async () => {
    const { client } = await start({ KLODY_GATEWAY_URL: downGatewayURL });
    const down = `the gateway is not running at ${downGatewayURL} (connection refused)`;
    const chat = await client.callTool({
      name: 'chat',
      arguments: { messages: [{ role: 'user', content: 'Bonjour' }] },
    });
    expect(chat.isError).toBe(true);
    expect(textOf(chat)).toBe(down);
    const complete = await client.callTool({ name: 'complete', arguments: { prompt: 'Once' } });
    expect(complete).toMatchObject({ isError: true });
    expect(textOf(complete)).toBe(down);
    const summary = await client.callTool({ name: 'summarize', arguments: { text: 'Candide est chassé.' } });
    expect(summary.isError).toBe(true);
    expect(textOf(summary)).toBe(down);
    const health = await client.callTool({ name: 'health', arguments: {} });
    expect(health.structuredContent).toMatchObject({
      status: 'degraded',
      services: [
        { name: 'gateway', url: downGatewayURL, state: 'down' },
        { name: 'library_brain', url: downLibraryURL, state: 'down' },
        { name: 'vocalbrain', url: downVocalURL, state: 'down' },
      ],
    });
  });

  it('gives up on a gateway that stops sending, after the model time limits', async () => {
    const { client } = await start({ KLODY_AGENT_MODEL_TIMEOUT: '5', KLODY_AGENT_MODEL_IDLE_TIMEOUT: '0.5' });
    gateway.replies.push({ text: ['Il était'], hang: true });
    const started = performance.now();
    const result = await client.callTool({
      name: 'chat',
      arguments: { messages: [{ role: 'user', content: 'Raconte.' }] },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `the gateway at ${gateway.url} timed out: the model stopped sending for 0.5 s`,
    );
    expect(performance.now() - started).toBeLessThan(4_000);
    // The call was dropped, not left running at the gateway.
    await expect.poll(() => gateway.requests[0]?.aborted, { timeout: 2_000 }).toBe(true);
  });

  it('answers an internal error without its details, and logs it', async () => {
    const lines: string[] = [];
    const { server, client } = await start({}, { logLines: lines });
    // A database that went away under the server: an error no tool expects.
    server.opened.database.connection.close();
    const result = await client.callTool({ name: 'remember', arguments: { fact: 'The sky is blue.' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^remember failed with an internal error( \(\w+\))?\.$/);
    expect(textOf(result)).not.toMatch(/database|sqlite|at .*\.ts/i);
    expect(lines.join('')).toContain('MCP tool remember failed unexpectedly');
  });
});
