// Library Brain's MCP server as an MCP client sees it, over both transports, with the SDK's own Client:
// stdio through the exact documented command (`pnpm --silent --dir <repository> library-brain mcp`, a
// real process), and streamable HTTP under the real server's `/mcp`. Each transport gets a small real
// library (three books written here, ingested into real SQLite in a temporary KLODY_HOME); the gateway
// is the shared fault upstream (a real HTTP server speaking the OpenAI protocol: toy embeddings, a
// scripted chat answer), brought down in the middle of a question to see what the client gets.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawRequest } from '@klody/service/testing';
import { type FaultUpstream, repositoryRoot, startFaultUpstream } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';
import { createLibrary } from '../src/library/create-library.js';
import {
  connectOverHttp,
  connectOverStdio,
  documentedStdioCommand,
  type StdioConnection,
  textOf,
} from './support/mcp-connections.js';

const books: Record<string, string> = {
  'lighthouse.txt':
    'Title: The Lighthouse Keeper\nAuthor: Mary Dock\n\nThe keeper climbed the tower every evening. He lit the great lamp at dusk so that the ships could see the rocks. In winter the storms were terrible and the waves broke over the rocks.\n',
  'bread.txt':
    'Title: Bread\nAuthor: Paul Baker\n\nBakers knead the dough and let it rise overnight. In the morning they bake the loaves in a hot oven.\n',
  'bees.txt':
    'Title: Bees\nAuthor: Ann Hive\n\nBees collect nectar from the flowers of the meadow and turn it into honey inside the hive.\n',
};
const chatAnswer = 'The keeper lit the great lamp at dusk [1].';
// Time limits low enough for a gateway that went away to be noticed quickly (seconds).
const limits = { timeout: 1, idle: 0.5, check: 0.5 };
// A question waits at most for the query's embedding and the first token, each within the time
// limit, after a check of the gateway; the rest is slack for two shared cores and the stdio pipe.
const answerBoundMs = (2 * limits.timeout + limits.idle + 2 * limits.check) * 1000 + 2_500;

let upstream: FaultUpstream;

beforeAll(async () => {
  upstream = await startFaultUpstream({ chatAnswer });
});
afterAll(() => upstream?.close());

/** A fresh KLODY_HOME holding the three books, ingested with the upstream's embeddings; its environment. */
async function libraryHome(): Promise<Record<string, string>> {
  const home = mkdtempSync(join(tmpdir(), 'klody-library-mcp-'));
  const folder = join(home, 'books');
  mkdirSync(folder);
  for (const [name, text] of Object.entries(books)) writeFileSync(join(folder, name), text);
  const environment = {
    KLODY_HOME: home,
    KLODY_GATEWAY_URL: upstream.url,
    KLODY_LIBRARY_ROOTS: folder,
    KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT: String(limits.timeout),
    KLODY_LIBRARY_BRAIN_GATEWAY_IDLE_TIMEOUT: String(limits.idle),
    KLODY_LIBRARY_BRAIN_GATEWAY_CHECK_TIMEOUT: String(limits.check),
    // No second look at the gateway within a test file: a gateway that went away stays away.
    KLODY_LIBRARY_BRAIN_GATEWAY_RETRY: '600',
    KLODY_LOG_LEVEL: 'info',
  };
  const library = await createLibrary(readConfig(environment));
  try {
    expect(await library.ingest([folder])).toMatchObject({ added: 3, failed: [] });
  } finally {
    await library.close();
  }
  return environment;
}

interface BookRow {
  id: number;
  title: string;
  author: string | null;
  state: string;
}

interface CitationRow {
  n: number;
  book: string;
  bookId: number;
  chapter: string | null;
  start: number;
  end: number;
  text: string;
  page: number | null;
}

/** What every transport must do the same way. */
function contract(client: () => Client): void {
  it('lists the three tools, each described, with input properties and an output schema', async () => {
    const { tools } = await client().listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['ask_books', 'list_books', 'search_books']);
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(80);
      expect(Object.keys(tool.inputSchema.properties ?? {}).length, tool.name).toBeGreaterThan(0);
      expect(Object.keys(tool.outputSchema?.properties ?? {}).length, tool.name).toBeGreaterThan(0);
    }
    const ask = tools.find((tool) => tool.name === 'ask_books');
    expect(ask?.inputSchema.required).toEqual(['question']);
    expect(Object.keys(ask?.inputSchema.properties ?? {})).toEqual([
      'question',
      'books',
      'author',
      'language',
      'shelf',
      'conversationId',
    ]);
    expect(ask?.outputSchema?.properties).toHaveProperty('citations');
  });

  it('list_books lists the books with their title, author and state, a page at a time', async () => {
    const all = await client().callTool({ name: 'list_books', arguments: {} });
    expect(all.isError).toBeFalsy();
    const page = all.structuredContent as { books: BookRow[]; total: number; offset: number; limit: number };
    expect(page.books.map((book) => [book.title, book.author, book.state])).toEqual([
      ['Bees', 'Ann Hive', 'ready'],
      ['Bread', 'Paul Baker', 'ready'],
      ['The Lighthouse Keeper', 'Mary Dock', 'ready'],
    ]);
    expect(page).toMatchObject({ total: 3, ready: 3, ingesting: 0, offset: 0, limit: 50 });
    const lighthouse = page.books[2] as BookRow;
    expect(textOf(all)).toContain(`${lighthouse.id}. The Lighthouse Keeper — Mary Dock; en;`);
    expect(textOf(all)).toContain('Books 1–3 of 3.');

    const found = await client().callTool({ name: 'list_books', arguments: { query: 'dock' } });
    expect((found.structuredContent as { books: BookRow[] }).books.map((book) => book.title)).toEqual([
      'The Lighthouse Keeper',
    ]);
    const second = await client().callTool({ name: 'list_books', arguments: { offset: 1, limit: 1 } });
    expect((second.structuredContent as { books: BookRow[] }).books.map((book) => book.title)).toEqual([
      'Bread',
    ]);
    expect(textOf(second)).toContain('Books 2–2 of 3 (pass offset 2 for more).');
    const none = await client().callTool({ name: 'list_books', arguments: { query: 'zola' } });
    expect(textOf(none)).toBe('No book\'s title or author matches "zola".');
  });

  it('search_books finds passages with their book, chapter and offsets, inside a filter', async () => {
    const result = await client().callTool({
      name: 'search_books',
      arguments: { query: 'great lamp at dusk', limit: 2 },
    });
    expect(result.isError).toBeFalsy();
    const { results } = result.structuredContent as { results: CitationRow[] };
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(2);
    const best = results[0] as CitationRow & { score: number };
    expect(best).toMatchObject({ book: 'The Lighthouse Keeper', chapter: null, page: null });
    expect(best.text).toContain('He lit the great lamp at dusk');
    // Offsets into the book's normalised text: the span is exactly the passage.
    expect(best.end - best.start).toBe(best.text.length);
    expect(textOf(result)).toContain(
      `1. The Lighthouse Keeper (book ${best.bookId}) — characters ${best.start}–${best.end}\n`,
    );

    for (const filter of [{ books: ['Bread'] }, { author: 'Paul Baker' }]) {
      const filtered = await client().callTool({
        name: 'search_books',
        arguments: { query: 'great lamp at dusk', ...filter },
      });
      const books = (filtered.structuredContent as { results: CitationRow[] }).results.map(
        (passage) => passage.book,
      );
      expect(books.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(new Set(books), JSON.stringify(filter)).toEqual(new Set(['Bread']));
    }
  });

  it('ask_books answers only from the books, with its verified citations as structured content', async () => {
    const result = await client().callTool({
      name: 'ask_books',
      arguments: { question: 'When did the keeper light the lamp?' },
    });
    expect(result.isError).toBeFalsy();
    const answer = result.structuredContent as {
      answer: string;
      refused: boolean;
      mode: string;
      fallback: unknown;
      citations: CitationRow[];
      conversationId: string;
    };
    expect(answer).toMatchObject({ answer: chatAnswer, refused: false, mode: 'generated', fallback: null });
    const cited = answer.citations.find((citation) => citation.n === 1);
    expect(cited).toMatchObject({ book: 'The Lighthouse Keeper', page: null });
    expect(cited?.text).toContain('great lamp at dusk');
    expect((cited?.end ?? 0) - (cited?.start ?? 0)).toBe(cited?.text.length);
    expect(textOf(result)).toContain(`${chatAnswer}\n\nSources:\n[1] The Lighthouse Keeper: “`);
    expect(textOf(result)).toContain(`Conversation ${answer.conversationId}`);
  });

  it('ask_books says so when the books do not hold the answer', async () => {
    const result = await client().callTool({
      name: 'ask_books',
      arguments: { question: 'Which country won the 2018 FIFA World Cup?' },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      answer: 'The sources do not contain the answer.',
      refused: true,
      citations: [],
    });
    expect(textOf(result)).toMatch(/^The sources do not contain the answer\.\n\nConversation /);
  });

  it('answers bad arguments with an isError result naming the field', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['search_books', { query: 42 }, /Invalid arguments for tool search_books.*at query/],
      ['search_books', { query: 'lamp', limit: 101 }, /at limit/],
      ['ask_books', { question: '   ' }, /question is empty.*at question/],
      ['ask_books', {}, /at question/],
      ['ask_books', { question: 'Who?', books: 'Bread' }, /at books/],
      ['list_books', { limit: 0 }, /at limit/],
    ];
    for (const [name, args, message] of cases) {
      const result = await client().callTool({ name, arguments: args });
      expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(result), `${name} ${JSON.stringify(args)}`).toMatch(message);
    }
  });

  it('answers a failure with an isError sentence, never a stack', async () => {
    const result = await client().callTool({
      name: 'ask_books',
      arguments: { question: 'When did the keeper light the lamp?', books: ['Lighthouse Keeper'] },
    });
    expect(result).toEqual({
      isError: true,
      content: [
        {
          type: 'text',
          text: 'no book has the id or title "Lighthouse Keeper"; did you mean "The Lighthouse Keeper"?',
        },
      ],
    });
  });

  // Last: the gateway stays away for the library that saw it go (KLODY_LIBRARY_BRAIN_GATEWAY_RETRY).
  it('answers when the gateway goes down during a question: extractive, cited, and saying why', async () => {
    await upstream.setFault('down');
    try {
      const started = performance.now();
      const result = await client().callTool({
        name: 'ask_books',
        arguments: { question: 'What did the keeper light so that the ships could see the rocks?' },
      });
      expect(performance.now() - started).toBeLessThan(answerBoundMs);
      expect(result.isError).toBeFalsy();
      const answer = result.structuredContent as {
        mode: string;
        fallback: { code: string; message: string } | null;
        citations: CitationRow[];
      };
      expect(answer.mode).toBe('extractive');
      // Which depends on where the answer path first met the closed port (the query's embedding or
      // the chat model): both are the fault table's accepted outcomes for a gateway that is down.
      expect(answer.fallback?.code).toMatch(/^gateway_(unreachable|error)$/);
      expect(answer.fallback?.message).toContain(upstream.url);
      expect(answer.citations[0]?.book).toBe('The Lighthouse Keeper');
      expect(textOf(result)).toContain(`Note: ${answer.fallback?.message}`);
    } finally {
      await upstream.setFault('ok');
    }
  });
}

describeRequiring(
  { tools: ['pnpm'] },
  'Library Brain’s MCP server over stdio (the documented command)',
  () => {
    let connection: StdioConnection;

    beforeAll(async () => {
      const { command, args } = documentedStdioCommand();
      connection = await connectOverStdio(
        new StdioClientTransport({ command, args, env: await libraryHome(), stderr: 'pipe' }),
      );
    }, 60_000);
    afterAll(async () => {
      await connection?.client.close();
    });

    contract(() => connection.client);

    it('writes only JSON-RPC messages on stdout, and its logs on stderr', () => {
      expect(connection.errors).toEqual([]);
      // initialize, and one answer or more per test above.
      expect(connection.messages.length).toBeGreaterThan(15);
      for (const message of connection.messages) expect(message.jsonrpc).toBe('2.0');
      const logs = connection
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { service: string; message: string });
      expect(logs).toContainEqual(
        expect.objectContaining({ service: 'library-brain', message: 'Library Brain MCP server on stdio' }),
      );
    });

    it('closes the library and exits by itself when the client goes', async () => {
      const started = performance.now();
      await connection.client.close();
      // The SDK's transport waits 2 s for the process to exit before it sends SIGTERM.
      expect(performance.now() - started).toBeLessThan(2_000);
      await connection.waitForStderr('the client has gone: library closed');
      // Nothing else reached stdout, up to the end.
      expect(connection.errors).toEqual([]);
    });
  },
);

describeRequiring(
  { tools: ['pnpm'] },
  'Library Brain’s MCP server over stdio, on a library it cannot open',
  () => {
    it('answers the handshake, then every tool says why, in a sentence', async () => {
      const home = mkdtempSync(join(tmpdir(), 'klody-library-mcp-broken-'));
      mkdirSync(join(home, 'library-brain'));
      writeFileSync(join(home, 'library-brain', 'library.db'), 'this is not a SQLite database '.repeat(200));
      const { command, args } = documentedStdioCommand();
      const connection = await connectOverStdio(
        new StdioClientTransport({
          command,
          args,
          env: { KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' },
          stderr: 'pipe',
        }),
      );
      try {
        expect((await connection.client.listTools()).tools).toHaveLength(3);
        for (const [name, args] of [
          ['list_books', {}],
          ['search_books', { query: 'lamp' }],
          ['ask_books', { question: 'Who lit the lamp?' }],
        ] as const) {
          const result = await connection.client.callTool({ name, arguments: args });
          expect(result.isError, name).toBe(true);
          expect(textOf(result), name).toMatch(/^the library database: .*not a database \(SQLITE_NOTADB\)$/);
        }
        expect(connection.errors).toEqual([]);
      } finally {
        await connection.client.close();
      }
    }, 60_000);
  },
);

describe('the check of stdout itself', () => {
  it('notices a line on stdout that is not a JSON-RPC message (a banner)', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        '-e',
        "console.log('> klody@0.0.0 library-brain'); process.stdin.resume().on('end', () => process.exit(0));",
      ],
      stderr: 'pipe',
    });
    const noticed = new Promise<Error>((resolve) => {
      transport.onerror = resolve;
    });
    await transport.start();
    const error = await noticed;
    await transport.close();
    expect(error.message).toMatch(/JSON/);
  });
});

describe('Library Brain’s MCP server over streamable HTTP (/mcp)', () => {
  let environment: Record<string, string>;
  let server: RunningServer;
  let client: Client;

  beforeAll(async () => {
    environment = await libraryHome();
    // Scans on the event loop: worker threads are no part of the MCP route, and their start-up on two
    // shared cores would eat into the time bound of the gateway test.
    server = await startServer(readConfig(environment), { port: 0, workerThreads: false });
    // Listening comes before the first look at the gateway: the contract wants its models.
    await vi.waitUntil(async () => (await server.library.gatewayHealth()).state === 'ok', {
      timeout: 10_000,
      interval: 50,
    });
    client = await connectOverHttp(`${server.url}/mcp`);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await server?.close({ graceMs: 100 });
  });

  contract(() => client);

  it('refuses a foreign Host with 403 before the protocol sees the request', async () => {
    const answer = await rawRequest(server.url, {
      method: 'POST',
      path: '/mcp',
      headers: {
        host: 'evil.example',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(answer.status).toBe(403);
    expect(answer.errorCode).toBe('forbidden_host');
  });

  it('asks for the API key when one is set (KLODY_LIBRARY_BRAIN_API_KEY)', async () => {
    const keyed = await startServer(
      readConfig({ ...environment, KLODY_LIBRARY_BRAIN_API_KEY: 'open-sesame' }),
      {
        port: 0,
        workerThreads: false,
      },
    );
    try {
      const refused = await fetch(`${keyed.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: { code: 'unauthorized' } });
      const keyedClient = await connectOverHttp(`${keyed.url}/mcp`, { authorization: 'Bearer open-sesame' });
      expect((await keyedClient.listTools()).tools.map((tool) => tool.name).sort()).toEqual([
        'ask_books',
        'list_books',
        'search_books',
      ]);
      await keyedClient.close();
    } finally {
      await keyed.close({ graceMs: 100 });
    }
  });
});

describe('the README', () => {
  it('documents the command these tests run, for Claude Desktop, Claude Code and VS Code', () => {
    const readme = readFileSync(join(repositoryRoot(), 'apps/library-brain/README.md'), 'utf8');
    const start = readme.indexOf('## MCP server');
    expect(start).toBeGreaterThan(-1);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const configs = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map(
      (match) =>
        JSON.parse(match[1] ?? '') as Record<
          string,
          Record<string, { command?: string; args?: string[]; type?: string; url?: string }>
        >,
    );
    const tested = documentedStdioCommand();
    const asDocumented = tested.args.map((arg) => (arg === repositoryRoot() ? '/path/to/klody' : arg));
    const claudeDesktop = configs.find((config) => config.mcpServers)?.mcpServers?.['library-brain'];
    const vsCode = configs.find((config) => config.servers)?.servers ?? {};
    expect(claudeDesktop).toMatchObject({ command: tested.command, args: asDocumented });
    expect(Object.values(vsCode)).toContainEqual(
      expect.objectContaining({ type: 'stdio', command: tested.command, args: asDocumented }),
    );
    expect(Object.values(vsCode)).toContainEqual({ type: 'http', url: 'http://127.0.0.1:8765/mcp' });
    expect(section).toContain(
      `claude mcp add library-brain -- ${tested.command} ${asDocumented.join(' ')}\n`,
    );
    expect(section).toContain('claude mcp add --transport http library-brain http://127.0.0.1:8765/mcp\n');
  });
});
