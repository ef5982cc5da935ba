// Klody's MCP servers driven by a client we did not write, in another language: the Python MCP SDK
// (`mcp` on PyPI, installed by `pnpm klody-models install` into .tools/python-clients/venv), through
// tooling/test-helpers/python/mcp_drive.py. Gate the test with `describeRequiring({ pythonMcpClient:
// true }, …)`: skipped with the install command on a developer's machine, failing under CI.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pythonClientsFolder, pythonClientsPython, readPythonClientsManifest } from '@klody/models';
import { repositoryRoot } from '../data/test-data.js';
import { createProcessReaper } from '../processes/index.js';

/** The server to drive: a program that serves over stdio, or a streamable HTTP endpoint. */
export type PythonMcpServer =
  | {
      stdio: {
        command: string;
        args?: readonly string[];
        /** Added to the few variables the SDK passes on (HOME, PATH, SHELL, TERM, USER, LOGNAME). */
        env?: Readonly<Record<string, string>>;
        cwd?: string;
      };
    }
  | { url: string; headers?: Readonly<Record<string, string>> };

export interface PythonMcpCall {
  name: string;
  arguments?: Readonly<Record<string, unknown>>;
}

export interface PythonMcpError {
  /** The Python exception's class (`ConnectError`, `MCPError`, `TimeoutError`…). */
  type: string;
  message: string;
}

export interface PythonMcpTool {
  name: string;
  description: string | null;
  inputSchema: Record<string, unknown>;
}

export interface PythonMcpContent {
  type: string;
  text?: string;
  [field: string]: unknown;
}

export interface PythonMcpCallReport {
  name: string;
  arguments: Record<string, unknown>;
  /** The tool's answer as the SDK parsed it; null when the call failed at the protocol level. */
  result: {
    content: PythonMcpContent[];
    structuredContent: Record<string, unknown> | null;
    isError: boolean;
  } | null;
  error: PythonMcpError | null;
}

/** What the Python client saw (mcp_drive.py's JSON), with its exit code and stderr. */
export interface PythonMcpReport {
  /** Connected and initialized (the calls may still have failed: look at each). */
  ok: boolean;
  /** Why the connection failed (or, with `ok`, what went wrong after the calls). */
  error: PythonMcpError | null;
  server: { name: string; version: string; protocolVersion: string } | null;
  tools: PythonMcpTool[];
  calls: PythonMcpCallReport[];
  /** 0 connected, 1 the connection or handshake failed. */
  exitCode: number;
  /** The client's stderr, with a stdio server's stderr in it. */
  stderr: string;
}

export interface RunPythonMcpClientOptions {
  /**
   * The client's limit for the session, connection included (default 30 s); past it the report says
   * `TimeoutError`. The process itself is killed 15 s later if still there (Python's start-up, the
   * SDK's own wait for a stdio server to exit).
   */
  timeoutMs?: number;
  /**
   * Python's logging level on the client's stderr (default WARNING). At INFO each HTTP request is logged
   * with its status, which the SDK's errors leave out ("Server returned an error response").
   */
  logLevel?: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
  /** Where the client is looked for (`KLODY_PYTHON_CLIENTS_DIR`); default process.env. */
  env?: NodeJS.ProcessEnv;
}

const installHint = 'run: pnpm klody-models install';

/** The python of the Python clients' environment when the MCP SDK is installed there, or null. */
export function findPythonMcpClient(env: NodeJS.ProcessEnv = process.env): string | null {
  const folder = pythonClientsFolder(repositoryRoot(), env);
  const python = pythonClientsPython(folder);
  const packages = readPythonClientsManifest(folder)?.packages ?? {};
  return existsSync(python) && 'mcp' in packages ? python : null;
}

/** The line a requirement gives when the client is missing. */
export function missingPythonMcpClient(env: NodeJS.ProcessEnv = process.env): string {
  const folder = pythonClientsFolder(repositoryRoot(), env);
  return `the Python MCP client (mcp from PyPI) is not installed in ${join(folder, 'venv')} (${installHint})`;
}

/** tooling/test-helpers/python/mcp_drive.py, the script the Python client runs. */
export function pythonMcpDriverPath(): string {
  return join(repositoryRoot(), 'tooling', 'test-helpers', 'python', 'mcp_drive.py');
}

/**
 * Connects to `server` with the Python MCP SDK, initializes, lists the tools and makes `calls` in
 * order. Resolves with the report whether or not the connection worked (check `ok`); rejects when the
 * client is not installed, does not answer within the timeout, or prints no report. Asynchronous on
 * purpose: a server in the test's own process keeps answering while the client runs.
 */
export async function runPythonMcpClient(
  server: PythonMcpServer,
  calls: readonly PythonMcpCall[] = [],
  options: RunPythonMcpClientOptions = {},
): Promise<PythonMcpReport> {
  const env = options.env ?? process.env;
  const python = findPythonMcpClient(env);
  if (!python) throw new Error(missingPythonMcpClient(env));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const killAfterMs = timeoutMs + 15_000;
  const spec = {
    ...server,
    calls: calls.map((call) => ({ name: call.name, arguments: call.arguments ?? {} })),
    timeoutSeconds: timeoutMs / 1000,
    logLevel: options.logLevel ?? 'WARNING',
  };
  const reaper = createProcessReaper();
  const client = reaper.spawn(python, [pythonMcpDriverPath(), '-'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  client.child.stdin?.end(JSON.stringify(spec));
  let timer: NodeJS.Timeout | undefined;
  try {
    const exit = await Promise.race([
      client.exited,
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), killAfterMs);
      }),
    ]);
    if (exit === null)
      throw new Error(
        `the Python MCP client did not finish within ${killAfterMs} ms; its stderr:\n${client.stderr()}`,
      );
    let report: Omit<PythonMcpReport, 'exitCode' | 'stderr'>;
    try {
      report = JSON.parse(client.stdout());
    } catch {
      throw new Error(
        `the Python MCP client printed no report (exit ${exit.code ?? exit.signal}); stdout:\n${client.stdout()}\nstderr:\n${client.stderr()}`,
      );
    }
    if (exit.code === 2) throw new Error(`the Python MCP client refused the spec: ${report.error?.message}`);
    return { ...report, exitCode: exit.code ?? 1, stderr: client.stderr() };
  } finally {
    clearTimeout(timer);
    await reaper.reapAll();
  }
}
