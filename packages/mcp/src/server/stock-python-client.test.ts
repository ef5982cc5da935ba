// Our servers as a client we did not write sees them: the Python MCP SDK (`mcp` from PyPI), through
// @klody/test-helpers' runPythonMcpClient, over stdio (a process of its own) and over streamable HTTP
// (mountMcpRoute behind the service kit's loopback policy and bearer key).
import { join } from 'node:path';
import { createServiceApp, type RunningService, serve } from '@klody/service';
import {
  type PythonMcpCall,
  type PythonMcpReport,
  repositoryRoot,
  runPythonMcpClient,
  sourceArguments,
} from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEchoServer } from '../../fixtures/echo-server.js';
import { mountMcpRoute } from './streamable-http-route.js';

const calls: PythonMcpCall[] = [
  { name: 'echo', arguments: { text: 'bonjour', times: 2 } },
  { name: 'echo', arguments: { text: 42 } },
  { name: 'fail', arguments: { organ: 'Library Brain' } },
];

/** What both transports must give the Python client. */
function expectEchoSession(report: PythonMcpReport): void {
  expect(report, report.stderr).toMatchObject({ ok: true, error: null, exitCode: 0 });
  expect(report.server).toMatchObject({ name: 'klody-echo-fixture', version: '1.0.0' });
  expect(report.tools.map((tool) => tool.name)).toEqual(['echo', 'fail']);
  const echo = report.tools[0];
  expect(echo?.description).toBe('Answers the text it gets');
  expect(echo?.inputSchema).toMatchObject({
    type: 'object',
    properties: {
      text: { type: 'string', minLength: 1, description: 'what to answer' },
      times: { type: 'integer', minimum: 1, maximum: 5 },
    },
    required: ['text'],
  });
  const [answered, badArgument, failed] = report.calls;
  expect(answered).toMatchObject({
    error: null,
    result: {
      isError: false,
      content: [{ type: 'text', text: 'bonjour bonjour' }],
      structuredContent: { text: 'bonjour bonjour' },
    },
  });
  // A bad argument is the tool's answer (isError, naming the field), not a protocol failure.
  expect(badArgument?.error).toBeNull();
  expect(badArgument?.result?.isError).toBe(true);
  expect(badArgument?.result?.content[0]?.text).toMatch(/expected string, received number at text/);
  expect(failed?.result).toMatchObject({
    isError: true,
    content: [{ type: 'text', text: 'Library Brain is not running at http://127.0.0.1:1' }],
  });
}

describeRequiring({ pythonMcpClient: true }, 'the Python MCP SDK over stdio', () => {
  it('starts our server, lists its tools with their schemas and gets each call answered', async () => {
    const report = await runPythonMcpClient(
      {
        stdio: {
          command: process.execPath,
          args: sourceArguments(join('packages', 'mcp', 'fixtures', 'echo-server-stdio.ts')),
          cwd: repositoryRoot(),
        },
      },
      calls,
    );
    expectEchoSession(report);
  });
});

describeRequiring({ pythonMcpClient: true }, 'the Python MCP SDK over streamable HTTP', () => {
  const apiKey = 'python-client-test-key';
  let running: RunningService;

  beforeAll(async () => {
    const app = createServiceApp({ apiKey });
    mountMcpRoute(app, createEchoServer);
    running = await serve({ fetch: app.fetch, service: 'mcp-python-client-test', port: 0 });
  });

  afterAll(async () => {
    await running?.close();
  });

  it('lists the tools with their schemas and gets each call answered, with its bearer key', async () => {
    const report = await runPythonMcpClient(
      { url: `${running.url}/mcp`, headers: { Authorization: `Bearer ${apiKey}` } },
      calls,
    );
    expectEchoSession(report);
  });

  it('is refused under a foreign Host: the client sees a failed connection, no tools', async () => {
    const report = await runPythonMcpClient(
      { url: `${running.url}/mcp`, headers: { Authorization: `Bearer ${apiKey}`, Host: 'evil.example' } },
      calls,
      { logLevel: 'INFO' },
    );
    expect(report).toMatchObject({ ok: false, exitCode: 1, server: null, tools: [], calls: [] });
    // The SDK reports any refusal this way; httpx2's log says which.
    expect(report.error).toEqual({ type: 'MCPError', message: 'Server returned an error response' });
    expect(report.stderr).toMatch(/HTTP Request: POST .*\/mcp "HTTP\/1\.1 403 Forbidden"/);
  });
});
