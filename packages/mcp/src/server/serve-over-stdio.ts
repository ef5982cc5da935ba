// stdio is the transport Claude Desktop, Claude Code and VS Code start a local server with: the client
// reads every line of stdout as a protocol message, so one stray `console.log` (ours or a library's)
// breaks the session. Before the transport starts, console's stdout methods are sent to stderr.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

/** console.log, info and debug write to stderr from now on (console.error and warn already do). */
export function keepStdoutForProtocol(): void {
  const toStderr = (...values: unknown[]) => console.error(...values);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

export interface ServeOverStdioOptions {
  /** Called once the client has gone (stdin closed) or the process was asked to stop. */
  onClose?: () => void | Promise<void>;
}

/**
 * Serves `server` on this process's stdin and stdout until the client closes stdin or a SIGINT or
 * SIGTERM arrives; then `onClose` runs (close databases there) and the promise resolves.
 */
export async function serveOverStdio(server: McpServer, options: ServeOverStdioOptions = {}): Promise<void> {
  keepStdoutForProtocol();
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    let done = false;
    const finish = async () => {
      if (done) return;
      done = true;
      process.stdin.off('end', finish);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      try {
        await server.close();
      } finally {
        await options.onClose?.();
        resolve();
      }
    };
    // The SDK's transport does not notice the end of stdin on its own: a client that exits would leave
    // the server running.
    process.stdin.on('end', finish);
    process.on('SIGINT', finish);
    process.on('SIGTERM', finish);
    transport.onclose = () => void finish();
  });
  await server.connect(transport);
  await closed;
}
