// Klody's MCP server driven by a client in another language that we did not write: the Python MCP SDK
// (`mcp` from PyPI, installed by `pnpm klody-models install`), over stdio through the documented command
// and over streamable HTTP under the agent's `/mcp`. The gateway and Library Brain are the agent tests'
// scripted HTTP servers; memory is real SQLite in a temporary KLODY_HOME.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type PythonMcpReport, runPythonMcpClient } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';
import { candideAnswer, type FakeLibraryBrain, startFakeLibraryBrain } from './fake-library-brain.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from './fake-openai-server.js';
import { documentedStdioCommand } from './mcp-connections.js';

const toolNames = ['chat', 'complete', 'health', 'rag_query', 'recall', 'remember', 'summarize'];

const calls = [
  { name: 'remember', arguments: { fact: 'The user plays the cello on Sundays.' } },
  { name: 'recall', arguments: { query: 'cello' } },
  { name: 'rag_query', arguments: { question: 'What does Pangloss teach?' } },
  { name: 'summarize', arguments: { text: 'Some text to summarise.', style: 'long' } },
  { name: 'chat', arguments: { messages: [{ role: 'user', content: 'Bonjour' }] } },
];

let gateway: FakeOpenAIServer;
let library: FakeLibraryBrain;

function environment(): Record<string, string> {
  return {
    KLODY_HOME: mkdtempSync(join(tmpdir(), 'klody-mcp-python-')),
    KLODY_GATEWAY_URL: gateway.url,
    KLODY_LIBRARY_BRAIN_URL: library.url,
    KLODY_VOCALBRAIN_URL: vocalBrainURL,
  };
}
let vocalBrainURL: string;

/** What the Python client must have seen, whatever the transport. */
function expectContract(report: PythonMcpReport): void {
  expect(report.error, report.stderr).toBeNull();
  expect(report.ok).toBe(true);
  expect(report.server?.name).toBe('klody');
  expect(report.tools.map((tool) => tool.name).sort()).toEqual(toolNames);
  for (const tool of report.tools) {
    const properties = (tool.inputSchema as { properties?: object }).properties ?? {};
    expect(Object.keys(properties).length, tool.name).toBeGreaterThan(0);
  }
  const [remember, recall, ragQuery, summarize, chat] = report.calls;
  expect(remember?.result?.isError).toBe(false);
  expect(remember?.result?.content[0]?.text).toMatch(/^Remembered as memory #\d+\.$/);
  expect(recall?.result?.content[0]?.text).toContain('The user plays the cello on Sundays.');
  expect(ragQuery?.result?.structuredContent).toMatchObject({
    answer: candideAnswer.answer,
    refused: false,
    citations: candideAnswer.citations,
  });
  expect(summarize?.result?.isError).toBe(true);
  expect(summarize?.result?.content[0]?.text).toMatch(/at style/);
  expect(chat?.result?.isError).toBe(false);
  expect(chat?.result?.content[0]?.text).toBe('Salut !');
}

describeRequiring({ pythonMcpClient: true, tools: ['pnpm'] }, 'the Python MCP SDK drives klody-mcp', () => {
  let server: RunningServer;

  beforeAll(async () => {
    gateway = await startFakeOpenAIServer();
    library = await startFakeLibraryBrain();
    vocalBrainURL = `http://127.0.0.1:${await freePort()}`;
    server = await startServer(readConfig(environment()), { port: 0 });
  });
  afterAll(async () => {
    await server?.close({ graceMs: 100 });
    await gateway?.close();
    await library?.close();
  });

  it('over stdio, through the documented command', async () => {
    gateway.replies.push({ text: ['Salut !'] });
    const { command, args } = documentedStdioCommand();
    const report = await runPythonMcpClient({ stdio: { command, args, env: environment() } }, calls, {
      timeoutMs: 60_000,
    });
    expectContract(report);
  }, 90_000);

  it('over streamable HTTP, under the agent’s /mcp', async () => {
    gateway.replies.push({ text: ['Salut !'] });
    const report = await runPythonMcpClient({ url: `${server.url}/mcp` }, calls);
    expectContract(report);
  }, 60_000);

  it('is refused under a foreign Host (the Python client cannot connect)', async () => {
    const report = await runPythonMcpClient(
      { url: `${server.url}/mcp`, headers: { Host: 'evil.example' } },
      [],
      { logLevel: 'INFO' },
    );
    expect(report.ok).toBe(false);
    expect(report.stderr).toMatch(/403/);
  }, 60_000);
});
