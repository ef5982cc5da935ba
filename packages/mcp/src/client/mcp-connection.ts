// One MCP server as the agent uses it: connected on first use, restarted on the next use after it died,
// every wait bounded. A server is someone else's program: it may never start, crash mid-call, hang, or
// print pages to stderr; none of that may hang a turn or reach our own stdout.
import { startTimeLimit } from '@klody/service';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type CallToolResult, ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpClientError, type McpClientErrorCode } from './mcp-client-error.js';
import { isStdioDeclaration, type McpServerDeclaration } from './server-declaration.js';
import { createStderrTail, type StderrTail } from './stderr-tail.js';
import { durationText, untilAborted } from './time-limit.js';

/**
 * `idle` before the first use; `down` after a failed start or once the server died (the next use
 * starts it again); `closed` for good.
 */
export type McpConnectionStatus = 'idle' | 'connecting' | 'connected' | 'down' | 'closed';

export interface McpConnectionState {
  status: McpConnectionStatus;
  /** Why it is down, in one sentence (with the server's last stderr lines); null otherwise. */
  reason: string | null;
  /** How many times it has connected: a new number means a new process (or HTTP session). */
  generation: number;
  /** The stdio server's process id while it is connected. */
  pid: number | null;
  /** The last lines the current (or last) stdio process wrote to stderr. */
  stderr: string[];
}

export type McpConnectionEvent =
  | { type: 'connected'; server: string; generation: number; pid: number | null }
  | { type: 'down'; server: string; reason: string }
  /** The server said its tools changed (`notifications/tools/list_changed`): list them again. */
  | { type: 'tools-changed'; server: string; generation: number };

export interface McpConnectionOptions {
  /** The server's name, for messages ("the MCP server "files" …"). */
  name: string;
  declaration: McpServerDeclaration;
  /** How long starting (spawn and handshake) and listing tools may take (default 15 s). */
  connectTimeoutMs?: number;
  /** How long a tool call may take unless the call says otherwise (default 60 s). */
  callTimeoutMs?: number;
  /** How we introduce ourselves to the server. */
  clientInfo?: { name: string; version: string };
  /** Connected and down, as they happen (for logs). */
  onEvent?: (event: McpConnectionEvent) => void;
  /** For HTTP servers; the global fetch otherwise. */
  fetch?: typeof fetch;
}

export interface McpCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * The generation the caller listed the tools of: when the server has restarted since (its tools may
   * have changed), the call is refused with `server_restarted` before anything is sent.
   */
  generation?: number;
}

export interface McpConnection {
  readonly name: string;
  state(): McpConnectionState;
  /** Connects (or reconnects after the server died) and returns the generation. */
  connect(): Promise<number>;
  /** Every tool (all pages), with the generation they were listed in. */
  listTools(options?: { signal?: AbortSignal }): Promise<{ generation: number; tools: Tool[] }>;
  /** Calls a tool; a result with `isError` is returned as it is, for the caller to report. */
  callTool(name: string, args: Record<string, unknown>, options?: McpCallOptions): Promise<CallToolResult>;
  /** Stops the server (stdio: end of stdin, then SIGTERM, then SIGKILL) and refuses later uses. */
  close(): Promise<void>;
}

interface Session {
  client: Client;
  generation: number;
  pid: number | null;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createMcpConnection(options: McpConnectionOptions): McpConnection {
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;
  const clientInfo = options.clientInfo ?? { name: 'klody', version: '0.0.0' };
  const stdio = isStdioDeclaration(options.declaration);
  const label = `the MCP server "${options.name}"`;
  let status: McpConnectionStatus = 'idle';
  let reason: string | null = null;
  let generation = 0;
  let session: Session | null = null;
  let opening: Promise<Session> | null = null;
  let tail: StderrTail = createStderrTail();
  let closed = false;

  const lastWords = () => {
    const lines = tail.lines().slice(-5);
    return lines.length > 0 ? ` (its last lines on stderr: ${lines.join(' | ')})` : '';
  };

  function markDown(why: string): void {
    if (closed) return;
    status = 'down';
    reason = why;
    options.onEvent?.({ type: 'down', server: options.name, reason: why });
  }

  function createTransport(): Transport {
    const declaration = options.declaration;
    if (isStdioDeclaration(declaration)) {
      const transport = new StdioClientTransport({
        command: declaration.command,
        args: [...(declaration.args ?? [])],
        ...(declaration.env ? { env: { ...declaration.env } } : {}),
        ...(declaration.cwd ? { cwd: declaration.cwd } : {}),
        // Captured, never inherited: the server's logs must not mix with our stdout or stderr.
        stderr: 'pipe',
      });
      const current = tail;
      transport.stderr?.on('data', (chunk: Buffer) => current.push(chunk));
      return transport;
    }
    return new StreamableHTTPClientTransport(new URL(declaration.url), {
      requestInit: { headers: { ...declaration.headers } },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async function start(): Promise<Session> {
    status = 'connecting';
    tail = createStderrTail();
    const transport = createTransport();
    let transportError: string | null = null;
    let live: Session | null = null;
    const client = new Client(clientInfo, {
      capabilities: {},
      listChanged: {
        tools: {
          // The caller lists them itself (and pins what it sees); the SDK only tells us when.
          autoRefresh: false,
          // At once: a notice sent just before a tool's answer must count before the next call.
          debounceMs: 0,
          onChanged: () => {
            if (live !== null && session === live) {
              options.onEvent?.({ type: 'tools-changed', server: options.name, generation: live.generation });
            }
          },
        },
      },
    });
    client.onerror = (error) => {
      transportError = error.message;
    };
    client.onclose = () => {
      // Only the end of the session in use matters: a failed start is reported by its catch below,
      // and a session we closed ourselves is no longer `session`.
      if (live === null || session !== live) return;
      session = null;
      const what = stdio ? 'its process exited' : 'the connection closed';
      markDown(`${what}${transportError ? ` (${transportError})` : ''}${lastWords()}`);
    };
    const limit = startTimeLimit(connectTimeoutMs, `${label} did not start in time`);
    try {
      await untilAborted(
        client.connect(transport, { timeout: connectTimeoutMs, signal: limit.signal }),
        limit.signal,
      );
    } catch (error) {
      const timedOut = limit.signal.aborted;
      limit.clear();
      // Stops a process that started but never answered.
      await client.close().catch(() => {});
      if (closed) throw new McpClientError('closed', options.name, `${label} was closed`);
      const why = timedOut
        ? `did not answer within ${durationText(connectTimeoutMs)} when started`
        : `could not be started: ${messageOf(error)}`;
      markDown(`${why}${lastWords()}`);
      throw new McpClientError(
        timedOut ? 'connect_timeout' : 'connect_failed',
        options.name,
        `${label} ${why}${lastWords()}`,
      );
    }
    limit.clear();
    if (closed) {
      await client.close().catch(() => {});
      throw new McpClientError('closed', options.name, `${label} was closed`);
    }
    generation += 1;
    live = {
      client,
      generation,
      pid: transport instanceof StdioClientTransport ? transport.pid : null,
    };
    session = live;
    status = 'connected';
    reason = null;
    options.onEvent?.({ type: 'connected', server: options.name, generation, pid: live.pid });
    return live;
  }

  async function open(): Promise<Session> {
    if (closed) throw new McpClientError('closed', options.name, `${label} was closed`);
    if (session) return session;
    if (!opening) {
      opening = start().finally(() => {
        opening = null;
      });
    }
    return opening;
  }

  /** Drops a session whose transport failed, so that the next use starts afresh. */
  async function dropSession(live: Session, why: string): Promise<void> {
    if (session !== live) return;
    session = null;
    markDown(why);
    await live.client.close().catch(() => {});
  }

  /** One error for a failed list or call, naming the server and what it was doing. */
  async function failure(
    error: unknown,
    input: {
      live: Session;
      what: string;
      kind: 'list' | 'call';
      limitMs: number;
      timedOut: boolean;
      signal?: AbortSignal;
    },
  ): Promise<McpClientError> {
    const { live, what, kind, limitMs, timedOut, signal } = input;
    if (McpClientError.isInstance(error)) return error;
    if (signal?.aborted && !timedOut) {
      return new McpClientError('aborted', options.name, `${what} on ${label} was aborted`);
    }
    if (timedOut || (error instanceof McpError && error.code === ErrorCode.RequestTimeout)) {
      return new McpClientError(
        `${kind}_timeout` as McpClientErrorCode,
        options.name,
        `${label} did not answer ${what} within ${durationText(limitMs)}${kind === 'call' ? '; the call was abandoned' : ''}`,
      );
    }
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
      // onclose has marked it down already, with the reason and its last stderr lines.
      return new McpClientError(
        'server_down',
        options.name,
        `${label} stopped during ${what}: ${reason ?? 'the connection closed'}`,
      );
    }
    if (error instanceof McpError) {
      return new McpClientError(`${kind}_failed`, options.name, `${label} refused ${what}: ${error.message}`);
    }
    // Anything else is the transport failing (an HTTP server gone, a broken pipe): start afresh next time.
    const why = `${stdio ? 'the connection to its process failed' : 'it could not be reached'}: ${messageOf(error)}`;
    await dropSession(live, why);
    return new McpClientError('server_down', options.name, `${label} failed during ${what}: ${why}`);
  }

  return {
    name: options.name,
    state: () => ({
      status,
      reason,
      generation,
      pid: session?.pid ?? null,
      stderr: tail.lines(),
    }),
    async connect() {
      return (await open()).generation;
    },
    async listTools(listOptions = {}) {
      const live = await open();
      const limit = startTimeLimit(connectTimeoutMs, `${label} did not list its tools in time`);
      const signal = listOptions.signal ? AbortSignal.any([listOptions.signal, limit.signal]) : limit.signal;
      try {
        const tools: Tool[] = [];
        let cursor: string | undefined;
        // A server that pages forever is cut off: 100 pages of tools is more than any model can use.
        for (let page = 0; page < 100; page++) {
          const result = await untilAborted(
            live.client.listTools(cursor ? { cursor } : undefined, { timeout: connectTimeoutMs, signal }),
            signal,
          );
          tools.push(...result.tools);
          cursor = result.nextCursor;
          if (!cursor) break;
        }
        return { generation: live.generation, tools };
      } catch (error) {
        throw await failure(error, {
          live,
          what: 'the list of its tools',
          kind: 'list',
          limitMs: connectTimeoutMs,
          timedOut: limit.signal.aborted,
          ...(listOptions.signal ? { signal: listOptions.signal } : {}),
        });
      } finally {
        limit.clear();
      }
    },
    async callTool(name, args, callOptions = {}) {
      const live = await open();
      if (callOptions.generation !== undefined && callOptions.generation !== live.generation) {
        throw new McpClientError(
          'server_restarted',
          options.name,
          `${label} restarted since its tools were listed; ${name} was not called`,
        );
      }
      const timeoutMs = callOptions.timeoutMs ?? callTimeoutMs;
      const limit = startTimeLimit(timeoutMs, `${label} did not answer ${name} in time`);
      const signal = callOptions.signal ? AbortSignal.any([callOptions.signal, limit.signal]) : limit.signal;
      try {
        const result = await untilAborted(
          live.client.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs, signal }),
          signal,
        );
        return result as CallToolResult;
      } catch (error) {
        throw await failure(error, {
          live,
          what: name,
          kind: 'call',
          limitMs: timeoutMs,
          timedOut: limit.signal.aborted,
          ...(callOptions.signal ? { signal: callOptions.signal } : {}),
        });
      } finally {
        limit.clear();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      status = 'closed';
      reason = null;
      const live = session;
      session = null;
      const pending = opening;
      if (live) await live.client.close().catch(() => {});
      // A start in progress sees `closed` when it ends and stops its own process.
      if (pending) await pending.catch(() => {});
    },
  };
}
