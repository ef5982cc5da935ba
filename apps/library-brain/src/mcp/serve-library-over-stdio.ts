// `library-brain mcp`: the process an MCP client (Claude Desktop, Claude Code, VS Code) starts and talks
// to over stdin and stdout. stdout carries protocol messages only: logs are JSON lines on stderr.

import { keepStdoutForProtocol, serveOverStdio } from '@klody/mcp';
import { createLogger } from '@klody/service';
import type { LibraryBrainConfig } from '../config/config.js';
import { createLibrary } from '../library/create-library.js';
import { createLibraryMcpServer } from './create-library-mcp-server.js';

/**
 * Serves the library's tools on stdio until the client goes (stdin closed) or a SIGINT or SIGTERM
 * arrives, then closes the library.
 */
export async function serveLibraryOverStdio(config: LibraryBrainConfig): Promise<void> {
  keepStdoutForProtocol();
  const logger = createLogger({ service: 'library-brain', level: config.logLevel });
  // The library opens as for the other commands (waiting for the first look at the gateway, so that
  // the first question has its models), while the client's handshake is answered at once: a client
  // gives up on a server that is silent too long. The tools wait for it; one that failed to open
  // makes every tool answer why, where the client shows it.
  const opening = createLibrary(config, { log: (message) => logger.info(message) });
  opening.catch((error: unknown) => logger.error({ err: error }, 'the library could not be opened'));
  const server = createLibraryMcpServer({ library: opening, gatewayURL: config.gatewayURL, logger });
  logger.info({ database: config.databasePath }, 'Library Brain MCP server on stdio');
  await serveOverStdio(server, {
    async onClose() {
      const library = await opening.catch(() => null);
      await library?.close();
      logger.info('the client has gone: library closed');
    },
  });
}
