import { isLoopbackAddress, type RunningService, type ServiceLogger, serve } from '@klody/service';
import type { AgentConfig } from '../config/config.js';
import { createKlodyMcpServer } from '../mcp-server/klody-mcp-server.js';
import { mcpDependenciesFromConfig } from '../mcp-server/mcp-dependencies-from-config.js';
import { type OpenedAgent, openAgent } from '../open-agent.js';
import { createApp } from './create-app.js';

export interface StartServerOptions {
  /** Overrides `config.port`. */
  port?: number;
  /** Request logs and unexpected errors; none without it. */
  logger?: ServiceLogger;
  fetch?: typeof fetch;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>` (the configured host). */
  url: string;
  port: number;
  opened: OpenedAgent;
  /** Stops listening, lets streams in progress finish for up to `graceMs` (3 s), then closes the agent. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * The agent's server: the database opens, the agent is built, the API and page listen. A port in use
 * is a ConfigurationError naming it. Beyond loopback (KLODY_AGENT_HOST with KLODY_AGENT_API_KEY) the
 * bound address is the one Host and Origin accepted besides loopback names.
 */
export async function startServer(
  config: AgentConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const opened = await openAgent(config, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const port = options.port ?? config.port;
  const beyondLoopback = !isLoopbackAddress(config.host);
  const mcpDependencies = mcpDependenciesFromConfig(config, opened.memory.facts, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    onUnexpected: (tool, error) =>
      options.logger?.error({ err: error, tool }, `MCP tool ${tool} failed unexpectedly`),
  });
  const app = createApp({
    agent: opened.agent,
    records: opened.records,
    apiKey: config.apiKey,
    health: opened.health,
    mcpServer: () => createKlodyMcpServer(mcpDependencies),
    mcp: opened.mcp,
    metrics: () => opened.voiceTurns.renderMetrics(),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(beyondLoopback
      ? {
          policy: {
            allowedHosts: [config.host],
            allowedOrigins: [`http://${config.host}:${port}`],
          },
        }
      : {}),
  });
  let service: RunningService;
  try {
    service = await serve({
      fetch: app.fetch,
      service: 'agent',
      hostname: config.host,
      port,
      allowNonLoopback: beyondLoopback,
      apiKey: config.apiKey,
    });
  } catch (error) {
    await opened.close();
    throw error;
  }
  return {
    url: service.url,
    port: service.port,
    opened,
    async close({ graceMs = 3_000 } = {}) {
      await service.close({ graceMs });
      await opened.close();
    },
  };
}
