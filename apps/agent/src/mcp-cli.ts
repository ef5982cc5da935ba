#!/usr/bin/env node
// `pnpm --silent --dir /path/to/klody klody-mcp`: Klody's MCP server on stdio, for Claude Desktop,
// Claude Code and VS Code. stdout carries protocol messages only (pnpm's `--silent` keeps its banner
// off it); logs go to stderr. The configuration is the agent's (KLODY_HOME, KLODY_GATEWAY_URL,
// KLODY_LIBRARY_BRAIN_URL…); the database closes when the client goes. Exit 2 on a bad configuration.
import { keepStdoutForProtocol, serveOverStdio } from '@klody/mcp';
import { createLogger, reportCommandFailure } from '@klody/service';
import { type AgentConfig, readConfig } from './config/config.js';
import { createKlodyMcpServer } from './mcp-server/klody-mcp-server.js';
import { mcpDependenciesFromConfig } from './mcp-server/mcp-dependencies-from-config.js';
import { openAgentStores } from './open-agent.js';

const service = 'klody-mcp';

async function serve(config: AgentConfig): Promise<void> {
  const logger = createLogger({ service, level: config.logLevel });
  const stores = await openAgentStores(config);
  const server = createKlodyMcpServer(
    mcpDependenciesFromConfig(config, stores.memory.facts, {
      onUnexpected: (tool, error) => logger.error({ err: error, tool }, `${tool} failed unexpectedly`),
    }),
  );
  logger.info(
    {
      database: config.databasePath,
      gateway: config.gatewayURL,
      libraryBrain: config.libraryBrainURL,
      vocalBrain: config.vocalBrainURL,
    },
    'Klody MCP server on stdio',
  );
  await serveOverStdio(server, {
    onClose: async () => {
      await stores.close();
      logger.info('the client has gone: database closed');
    },
  });
}

// Before anything runs: a library that logs with console.log must not write into the protocol.
keepStdoutForProtocol();
try {
  await serve(readConfig());
} catch (error) {
  process.exitCode = reportCommandFailure({ service, error, json: false });
}
