import { fileURLToPath } from 'node:url';
import { createServiceApp, type RunningService, serve } from '@klody/service';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mountMcpRoute } from '../server/streamable-http-route.js';
import { McpClientError } from './mcp-client-error.js';
import { createMcpConnection, type McpConnection, type McpConnectionEvent } from './mcp-connection.js';

const fixture = fileURLToPath(new URL('../../test/fixtures/stdio-fixture-server.mjs', import.meta.url));

const opened: McpConnection[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((connection) => connection.close()));
});

function stdioConnection(options: { env?: Record<string, string>; connectTimeoutMs?: number } = {}) {
  const events: McpConnectionEvent[] = [];
  const connection = createMcpConnection({
    name: 'fixture',
    declaration: { command: process.execPath, args: [fixture], ...(options.env ? { env: options.env } : {}) },
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    onEvent: (event) => events.push(event),
  });
  opened.push(connection);
  return { connection, events };
}

async function failureOf(work: Promise<unknown>): Promise<McpClientError> {
  try {
    await work;
  } catch (error) {
    if (McpClientError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an McpClientError, got a result');
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('createMcpConnection over stdio (a real child process)', () => {
  it('connects on first use, lists and calls, and keeps only the last stderr lines', async () => {
    const { connection, events } = stdioConnection();
    expect(connection.state().status).toBe('idle');
    const { generation, tools } = await connection.listTools();
    expect(generation).toBe(1);
    expect(tools.map((tool) => tool.name)).toEqual(['echo', 'hang', 'crash', 'grow']);
    const result = await connection.callTool('echo', { text: 'bonjour' });
    expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(/^bonjour \(from \d+\)$/) }]);
    const state = connection.state();
    expect(state).toMatchObject({ status: 'connected', reason: null, generation: 1 });
    expect(state.stderr.length).toBeLessThanOrEqual(20);
    expect(state.stderr.at(-1)).toMatch(/^fixture \d+ ready$/);
    expect(events).toEqual([{ type: 'connected', server: 'fixture', generation: 1, pid: state.pid }]);
  });

  it('marks a server that died mid-call down, with its last words, and restarts it on the next use', async () => {
    const { connection, events } = stdioConnection();
    await connection.connect();
    const firstPid = connection.state().pid as number;
    const failed = await failureOf(connection.callTool('crash', {}));
    expect(failed.code).toBe('server_down');
    expect(failed.message).toMatch(/the MCP server "fixture" stopped during crash/);
    expect(failed.message).toMatch(/crashing now, on purpose/);
    expect(connection.state()).toMatchObject({ status: 'down', pid: null });
    expect(events.map((event) => event.type)).toEqual(['connected', 'down']);

    const again = await connection.callTool('echo', { text: 'encore' });
    expect(connection.state()).toMatchObject({ status: 'connected', generation: 2 });
    expect(connection.state().pid).not.toBe(firstPid);
    expect(JSON.stringify(again.content)).toContain('encore');
  });

  it("passes on the server's notice that its tools changed", async () => {
    const { connection, events } = stdioConnection();
    await connection.callTool('grow', {});
    await expect.poll(() => events.map((event) => event.type)).toEqual(['connected', 'tools-changed']);
    expect((await connection.listTools()).tools.map((tool) => tool.name)).toContain('grown');
  });

  it('gives up on a call that hangs with call_timeout naming the server; the server stays usable', async () => {
    const { connection } = stdioConnection();
    const started = performance.now();
    const failed = await failureOf(connection.callTool('hang', {}, { timeoutMs: 300 }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(failed.code).toBe('call_timeout');
    expect(failed.message).toBe(
      'the MCP server "fixture" did not answer hang within 300 ms; the call was abandoned',
    );
    expect(JSON.stringify((await connection.callTool('echo', { text: 'still here' })).content)).toContain(
      'still here',
    );
    expect(connection.state().generation).toBe(1);
  });

  it('stops waiting for the caller: an aborted call ends at once as aborted', async () => {
    const { connection } = stdioConnection();
    await connection.connect();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const failed = await failureOf(connection.callTool('hang', {}, { signal: controller.signal }));
    expect(failed.code).toBe('aborted');
  });

  it('refuses a call listed in an earlier generation (the server restarted: its tools may differ)', async () => {
    const { connection } = stdioConnection();
    const { generation } = await connection.listTools();
    await failureOf(connection.callTool('crash', {}));
    await connection.connect();
    const failed = await failureOf(connection.callTool('echo', { text: 'x' }, { generation }));
    expect(failed.code).toBe('server_restarted');
  });

  it('times out a server that starts and never answers, and stops its process', async () => {
    const { connection } = stdioConnection({ env: { FIXTURE_NO_ANSWER: '1' }, connectTimeoutMs: 800 });
    const failed = await failureOf(connection.connect());
    expect(failed.code).toBe('connect_timeout');
    expect(failed.message).toMatch(/^the MCP server "fixture" did not answer within 800 ms when started/);
    expect(failed.message).toMatch(/fixture \d+ ready/);
    const pid = Number(/fixture (\d+) ready/.exec(failed.message)?.[1]);
    expect(connection.state().status).toBe('down');
    await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
  });

  it('reports a command that cannot start as connect_failed', async () => {
    const connection = createMcpConnection({
      name: 'missing',
      declaration: { command: '/nonexistent/klody-mcp-server' },
    });
    opened.push(connection);
    const failed = await failureOf(connection.listTools());
    expect(failed.code).toBe('connect_failed');
    expect(failed.message).toMatch(/^the MCP server "missing" could not be started: .*ENOENT/);
  });

  it('stops the process on close and refuses later uses', async () => {
    const { connection } = stdioConnection();
    await connection.connect();
    const pid = connection.state().pid as number;
    await connection.close();
    expect(isAlive(pid)).toBe(false);
    expect((await failureOf(connection.connect())).code).toBe('closed');
  });
});

describe('createMcpConnection over streamable HTTP', () => {
  it('lists and calls, marks a vanished server down and reconnects once it is back', async () => {
    const start = async (port: number) => {
      const app = createServiceApp();
      mountMcpRoute(app, () => {
        const server = new McpServer({ name: 'http-fixture', version: '1.0.0' });
        server.registerTool(
          'echo',
          { description: 'Answers the text it gets.', inputSchema: { text: z.string() } },
          async ({ text }) => ({ content: [{ type: 'text', text }] }),
        );
        return server;
      });
      return serve({ fetch: app.fetch, service: 'mcp-client-test', port });
    };
    let running: RunningService = await start(0);
    const connection = createMcpConnection({
      name: 'web',
      declaration: { url: `${running.url}/mcp`, headers: { 'x-test': 'yes' } },
      connectTimeoutMs: 5_000,
    });
    opened.push(connection);
    expect((await connection.listTools()).tools.map((tool) => tool.name)).toEqual(['echo']);
    expect((await connection.callTool('echo', { text: 'un' })).content).toEqual([
      { type: 'text', text: 'un' },
    ]);

    const port = running.port;
    await running.close();
    const failed = await failureOf(connection.callTool('echo', { text: 'deux' }));
    expect(failed.code).toBe('server_down');
    expect(failed.message).toMatch(/^the MCP server "web" failed during echo: it could not be reached/);
    expect(connection.state().status).toBe('down');

    running = await start(port);
    try {
      expect((await connection.callTool('echo', { text: 'trois' })).content).toEqual([
        { type: 'text', text: 'trois' },
      ]);
      expect(connection.state()).toMatchObject({ status: 'connected', generation: 2 });
    } finally {
      await running.close();
    }
  });
});
