// Klody's MCP server as an MCP client sees it, over both transports, with the SDK's own Client:
// stdio through the exact documented command (`pnpm --silent --dir <repository> klody-mcp`, a real
// process), and streamable HTTP under the agent's real server's `/mcp`. The gateway and Library Brain
// are the agent tests' scripted HTTP servers (they speak the real protocols); memory is real SQLite in
// a temporary KLODY_HOME; VocalBrain's URL is a port nobody listens on.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repositoryRoot } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';
import { candideAnswer, type FakeLibraryBrain, startFakeLibraryBrain } from './fake-library-brain.js';
import { type FakeOpenAIServer, startFakeOpenAIServer } from './fake-openai-server.js';
import {
  connectOverHttp,
  connectOverStdio,
  documentedStdioCommand,
  type StdioConnection,
  textOf,
} from './mcp-connections.js';

const toolNames = ['chat', 'complete', 'health', 'rag_query', 'recall', 'remember', 'summarize'];

let gateway: FakeOpenAIServer;
let library: FakeLibraryBrain;
let vocalBrainURL: string;

beforeAll(async () => {
  gateway = await startFakeOpenAIServer();
  library = await startFakeLibraryBrain();
  vocalBrainURL = `http://127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  await gateway?.close();
  await library?.close();
});
beforeEach(() => {
  gateway.replies.length = 0;
  gateway.requests.length = 0;
  gateway.completionRequests.length = 0;
  library.questions.length = 0;
});

/** The agent's environment for either transport: a fresh KLODY_HOME, the fakes' URLs. */
function environment(): Record<string, string> {
  return {
    KLODY_HOME: mkdtempSync(join(tmpdir(), 'klody-mcp-')),
    KLODY_GATEWAY_URL: gateway.url,
    KLODY_LIBRARY_BRAIN_URL: library.url,
    KLODY_VOCALBRAIN_URL: vocalBrainURL,
    KLODY_LOG_LEVEL: 'info',
  };
}

/** What every transport must do the same way. */
function contract(client: () => Client): void {
  it('lists exactly the seven tools, each described and with input properties', async () => {
    const { tools } = await client().listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(toolNames);
    for (const tool of tools) {
      expect(tool.description, tool.name).toMatch(/\S{10}/);
      expect(Object.keys(tool.inputSchema.properties ?? {}).length, tool.name).toBeGreaterThan(0);
    }
    const outputs = tools.filter((tool) => tool.outputSchema).map((tool) => tool.name);
    expect(outputs.sort()).toEqual(['health', 'rag_query']);
  });

  it('chat answers a conversation with its history through the gateway’s chat model', async () => {
    gateway.replies.push({ text: ['Tu t’appelles ', 'Ada.'] });
    const result = await client().callTool({
      name: 'chat',
      arguments: {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Je m’appelle Ada.' },
          { role: 'assistant', content: 'Enchanté, Ada.' },
          { role: 'user', content: 'Comment je m’appelle ?' },
        ],
        temperature: 0.2,
        max_tokens: 50,
      },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('Tu t’appelles Ada.');
    const sent = gateway.requests[0]?.body as unknown as Record<string, unknown>;
    expect(sent).toMatchObject({ model: 'brain', stream: true, temperature: 0.2, max_tokens: 50 });
    expect((sent.messages as { role: string }[]).map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
    ]);
  });

  it('complete continues a prompt as a raw completion', async () => {
    gateway.replies.push({ text: [' upon', ' a time'] });
    const result = await client().callTool({
      name: 'complete',
      arguments: { prompt: 'Once', max_tokens: 8, stop: ['\n'] },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe(' upon a time');
    expect(gateway.completionRequests[0]?.body).toMatchObject({
      model: 'brain',
      prompt: 'Once',
      max_tokens: 8,
      stop: ['\n'],
    });
    expect(gateway.requests).toEqual([]);
  });

  it('summarize writes in the language asked for, with the agent’s own prompt', async () => {
    gateway.replies.push({ text: ['Candide is driven out of the castle.'] });
    const result = await client().callTool({
      name: 'summarize',
      arguments: {
        text: 'Candide est chassé du château du baron pour avoir embrassé Cunégonde derrière un paravent.',
        style: 'brief',
        language: 'English',
      },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain('Candide is driven out of the castle.');
    const system = gateway.requests[0]?.body.messages.find((message) => message.role === 'system');
    expect(String(system?.content)).toMatch(/two or three sentences\. Write in English\./);
  });

  it('rag_query answers from Library Brain with its citations as structured content', async () => {
    const result = await client().callTool({
      name: 'rag_query',
      arguments: { question: 'What does Pangloss teach?' },
    });
    expect(result.isError).toBeFalsy();
    expect(library.questions).toEqual(['What does Pangloss teach?']);
    expect(textOf(result)).toContain('[1] Candide, CHAPITRE I (characters 120–860)');
    expect(result.structuredContent).toEqual({
      answer: candideAnswer.answer,
      refused: false,
      mode: 'generated',
      citations: candideAnswer.citations,
    });
  });

  it('health says what is up and what is down, with URLs and reasons', async () => {
    const result = await client().callTool({ name: 'health', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      status: 'degraded',
      services: [
        { name: 'gateway', url: gateway.url, state: 'up', reason: null },
        { name: 'library_brain', url: library.url, state: 'up', reason: null },
        {
          name: 'vocalbrain',
          url: vocalBrainURL,
          state: 'down',
          reason: `VocalBrain is not running at ${vocalBrainURL} (connection refused)`,
        },
      ],
    });
    expect(textOf(result)).toContain(`VocalBrain: down at ${vocalBrainURL}`);
    const some = await client().callTool({ name: 'health', arguments: { services: ['gateway'] } });
    expect(some.structuredContent).toMatchObject({ status: 'ok', services: [{ name: 'gateway' }] });
  });

  it('remember then recall round-trips through the agent’s memory', async () => {
    const stored = await client().callTool({
      name: 'remember',
      arguments: { fact: 'The user’s cat is called Voltaire.' },
    });
    expect(stored.isError).toBeFalsy();
    expect(textOf(stored)).toMatch(/^Remembered as memory #\d+\.$/);
    const again = await client().callTool({
      name: 'remember',
      arguments: { fact: 'The user’s cat is called Voltaire.' },
    });
    expect(textOf(again)).toMatch(/^Already known as memory #\d+/);
    const recalled = await client().callTool({ name: 'recall', arguments: { query: 'cat' } });
    expect(recalled.isError).toBeFalsy();
    expect(textOf(recalled)).toMatch(/#\d+: The user’s cat is called Voltaire\./);
    const nothing = await client().callTool({ name: 'recall', arguments: { query: 'submarine' } });
    expect(textOf(nothing)).toBe('No memory about "submarine".');
  });

  it('answers bad arguments with an isError result naming the field', async () => {
    const result = await client().callTool({
      name: 'summarize',
      arguments: { text: 'Candide.', style: 'long' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Invalid arguments for tool summarize.*at style/);
    const missing = await client().callTool({ name: 'chat', arguments: { messages: [] } });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/at messages/);
    expect(gateway.requests).toEqual([]);
  });
}

describeRequiring({ tools: ['pnpm'] }, 'Klody’s MCP server over stdio (the documented command)', () => {
  let connection: StdioConnection;

  beforeAll(async () => {
    const { command, args } = documentedStdioCommand();
    connection = await connectOverStdio(
      new StdioClientTransport({ command, args, env: environment(), stderr: 'pipe' }),
    );
  }, 60_000);
  afterAll(async () => {
    await connection?.client.close();
  });

  contract(() => connection.client);

  it('writes only JSON-RPC messages on stdout, and its logs on stderr', async () => {
    expect(connection.errors).toEqual([]);
    // initialize, and at least one answer per test above.
    expect(connection.messages.length).toBeGreaterThan(10);
    for (const message of connection.messages) expect(message.jsonrpc).toBe('2.0');
    const logs = connection
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { service: string; message: string });
    expect(logs).toContainEqual(
      expect.objectContaining({ service: 'klody-mcp', message: 'Klody MCP server on stdio' }),
    );
  });

  it('closes the database and exits when the client goes', async () => {
    await connection.client.close();
    await connection.waitForStderr('the client has gone: database closed');
  });
});

describe('the README', () => {
  it('documents the command these tests run, for Claude Desktop, Claude Code and VS Code', () => {
    const readme = readFileSync(join(repositoryRoot(), 'apps/agent/README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## MCP server\n'),
      readme.indexOf('## Environment variables'),
    );
    const configs = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map(
      (match) =>
        JSON.parse(match[1] ?? '') as Record<string, Record<string, { command?: string; args?: string[] }>>,
    );
    const stdio = [configs[0]?.mcpServers?.klody, configs[1]?.servers?.klody];
    const tested = documentedStdioCommand();
    const asDocumented = tested.args.map((arg) => (arg === repositoryRoot() ? '/path/to/klody' : arg));
    for (const entry of stdio) expect(entry).toMatchObject({ command: tested.command, args: asDocumented });
    expect(section).toContain(`claude mcp add klody -- ${tested.command} ${asDocumented.join(' ')}\n`);
    expect(section).toContain('claude mcp add --transport http klody http://127.0.0.1:8000/mcp\n');
  });
});

describe('the check of stdout itself', () => {
  it('notices a line on stdout that is not a JSON-RPC message (a banner)', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        '-e',
        "console.log('> klody@0.0.0 klody-mcp'); process.stdin.resume().on('end', () => process.exit(0));",
      ],
      stderr: 'pipe',
    });
    const errors: Error[] = [];
    const noticed = new Promise<void>((resolve) => {
      transport.onerror = (error) => {
        errors.push(error);
        resolve();
      };
    });
    await transport.start();
    await noticed;
    await transport.close();
    expect(errors[0]?.message).toMatch(/JSON/);
  });
});

describe('Klody’s MCP server over streamable HTTP (the agent’s /mcp)', () => {
  let server: RunningServer;
  let client: Client;

  beforeAll(async () => {
    server = await startServer(readConfig(environment()), { port: 0 });
    client = await connectOverHttp(`${server.url}/mcp`);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close({ graceMs: 100 });
  });

  contract(() => client);
});
