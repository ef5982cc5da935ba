import { createServiceApp, type RunningService, serve } from '@klody/service';
import { rawRequest } from '@klody/service/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mountMcpRoute } from './streamable-http-route.js';
import { guardTool, ToolFailure, textResult } from './tool-result.js';

let servers = 0;

/** A small server: `echo` answers its text after `delayMs`, `fail` fails in two ways. */
function echoServer(): McpServer {
  servers++;
  const server = new McpServer({ name: 'echo-test', version: '1.0.0' });
  server.registerTool(
    'echo',
    {
      description: 'Answers the text it gets, after a delay',
      inputSchema: { text: z.string().min(1), delayMs: z.number().int().min(0).max(2_000).optional() },
    },
    async ({ text, delayMs }) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs ?? 0));
      return textResult(text, { text });
    },
  );
  server.registerTool(
    'fail',
    { description: 'Fails', inputSchema: { expected: z.boolean() } },
    ({ expected }) =>
      guardTool('fail', async () => {
        if (expected) throw new ToolFailure('the organ is down at http://127.0.0.1:1');
        throw new Error('secret internal detail at /home/user/file');
      }),
  );
  return server;
}

let running: RunningService;

async function connect(): Promise<Client> {
  const client = new Client({ name: 'kit-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`)));
  return client;
}

beforeAll(async () => {
  const app = createServiceApp();
  mountMcpRoute(app, echoServer, { maxBodyBytes: 64 * 1024 });
  running = await serve({ fetch: app.fetch, service: 'mcp-kit-test', port: 0 });
});

afterAll(async () => {
  await running.close();
});

describe('mountMcpRoute', () => {
  it('lists and calls tools for the SDK client, with a fresh server per request', async () => {
    const before = servers;
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['echo', 'fail']);
    expect(Object.keys(tools[0]?.inputSchema.properties ?? {})).toEqual(['text', 'delayMs']);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'bonjour' } });
    expect(result.content).toEqual([{ type: 'text', text: 'bonjour' }]);
    expect(result.structuredContent).toEqual({ text: 'bonjour' });
    await client.close();
    // initialize, initialized, tools/list, tools/call: one server each.
    expect(servers - before).toBeGreaterThanOrEqual(4);
  });

  it('keeps concurrent clients apart (each gets its own answer)', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => connect()));
    const answers = await Promise.all(
      clients.map((client, index) =>
        client.callTool({ name: 'echo', arguments: { text: `client ${index}`, delayMs: (6 - index) * 30 } }),
      ),
    );
    expect(answers.map((answer) => answer.content)).toEqual(
      clients.map((_client, index) => [{ type: 'text', text: `client ${index}` }]),
    );
    await Promise.all(clients.map((client) => client.close()));
  });

  it('answers bad arguments with an isError result that names the field', async () => {
    const client = await connect();
    const result = await client.callTool({ name: 'echo', arguments: { text: 42 } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/expected string, received number at text/);
    await client.close();
  });

  it('turns failures into isError results without internal details', async () => {
    const client = await connect();
    const expected = await client.callTool({ name: 'fail', arguments: { expected: true } });
    expect(expected).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'the organ is down at http://127.0.0.1:1' }],
    });
    const unexpected = await client.callTool({ name: 'fail', arguments: { expected: false } });
    expect(unexpected.isError).toBe(true);
    expect(JSON.stringify(unexpected.content)).not.toMatch(/secret|home/);
    await client.close();
  });

  it('refuses a foreign Host with 403 before the protocol sees the request', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const answer = await rawRequest(running.url, {
      method: 'POST',
      path: '/mcp',
      headers: {
        host: 'evil.example',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body,
    });
    expect(answer.status).toBe(403);
    expect(answer.errorCode).not.toBeNull();
  });

  it('refuses a page from another origin', async () => {
    const response = await fetch(`${running.url}/mcp`, {
      method: 'POST',
      headers: {
        origin: 'https://evil.example',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(403);
  });

  it('answers GET with a JSON 405 (no stream on a stateless server) and limits bodies', async () => {
    const get = await fetch(`${running.url}/mcp`);
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
    const big = await fetch(`${running.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'x'.repeat(100_000) } },
      }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'body_too_large' } });
  });
});
