// Connections to one of our MCP servers with the SDK's own client and transports (a client we did not
// write), for tests: stdio with every stdout message and transport error kept (a stray stdout line is a
// transport error), and streamable HTTP.
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export function newClient(name = 'klody-mcp-test'): Client {
  return new Client({ name, version: '1.0.0' });
}

export async function connectOverHttp(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = newClient();
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** What a stdio server sent: every stdout line the SDK read as a message, and every one it could not. */
export interface StdioConnection {
  client: Client;
  transport: StdioClientTransport;
  /** Every JSON-RPC message read from the server's stdout. */
  messages: JSONRPCMessage[];
  /** Every error of the transport: a stdout line that is not a JSON-RPC message lands here. */
  errors: Error[];
  /** The server's stderr so far. */
  stderr(): string;
  /** Resolves once stderr holds `text`, or rejects after `timeoutMs`. */
  waitForStderr(text: string, timeoutMs?: number): Promise<void>;
}

/** Watches a transport's stdout messages, errors and stderr, then connects a client through it. */
export async function connectOverStdio(transport: StdioClientTransport): Promise<StdioConnection> {
  const messages: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  let stderr = '';
  // Set before `connect`: the SDK's Protocol keeps these and calls them before its own handlers.
  transport.onmessage = (message) => messages.push(message);
  transport.onerror = (error) => errors.push(error);
  const client = newClient();
  // With `stderr: 'pipe'` the stream exists from construction: read it from the start.
  const stream = transport.stderr as Readable;
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    stderr += text;
  });
  await client.connect(transport);
  return {
    client,
    transport,
    messages,
    errors,
    stderr: () => stderr,
    waitForStderr(text, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        if (stderr.includes(text)) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`stderr never said "${text}"; it holds:\n${stderr}`)),
          timeoutMs,
        );
        const listen = () => {
          if (!stderr.includes(text)) return;
          clearTimeout(timer);
          stream.off('data', listen);
          resolve();
        };
        stream.on('data', listen);
      });
    },
  };
}

/** The text content of a tool result, joined. */
export function textOf(result: object): string {
  return (((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[])
    .filter((part) => part.type === 'text')
    .map((part) => part.text ?? '')
    .join('\n');
}
