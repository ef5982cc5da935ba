import { isLoopbackAddress, type RunningService, type ServiceLogger, serve } from '@klody/service';
import type { AgentConfig } from '../config/config.js';
import { createKlodyMcpServer } from '../mcp-server/klody-mcp-server.js';
import { mcpDependenciesFromConfig } from '../mcp-server/mcp-dependencies-from-config.js';
import { type OpenedAgent, openAgent } from '../open-agent.js';
import type { OpenVoiceSession } from '../voice/voice-protocol.js';
import type { VoiceLoop } from '../voice/voice-session-from-config.js';
import { attachVoiceSocket } from '../voice/voice-socket.js';
import { createApp } from './create-app.js';

export interface StartServerOptions {
  /** Overrides `config.port`. */
  port?: number;
  /** Request logs and unexpected errors; none without it. */
  logger?: ServiceLogger;
  fetch?: typeof fetch;
  /** The voice loop's sessions behind the `/voice` WebSocket; without it `/voice` answers 404. */
  openVoiceSession?: OpenVoiceSession;
  /**
   * Builds the voice loop over the opened agent (`agent serve`: VAD, VocalBrain, metrics). When it
   * cannot be built (no VocalBrain, no VAD model) the server still starts, `/voice` answers 404 and the
   * reason is logged.
   */
  voiceLoop?: (opened: OpenedAgent) => VoiceLoop;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>` (the configured host). */
  url: string;
  port: number;
  opened: OpenedAgent;
  /**
   * Stops listening, closes voice sockets, lets streams in progress finish for up to `graceMs` (3 s),
   * then closes the agent.
   */
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
  let voiceLoop: VoiceLoop | null = null;
  try {
    voiceLoop = options.voiceLoop?.(opened) ?? null;
  } catch (error) {
    options.logger?.warn(
      { err: error },
      `the voice loop is off (/voice answers 404): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const openVoiceSession = options.openVoiceSession ?? voiceLoop?.openVoiceSession;
  // The same hosts and origins for the HTTP app and the `/voice` upgrades.
  const policy = beyondLoopback
    ? { allowedHosts: [config.host], allowedOrigins: [`http://${config.host}:${port}`] }
    : undefined;
  const app = createApp({
    agent: opened.agent,
    records: opened.records,
    apiKey: config.apiKey,
    health: opened.health,
    mcpServer: () => createKlodyMcpServer(mcpDependencies),
    mcp: opened.mcp,
    metrics: () => opened.voiceTurns.renderMetrics(),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(policy ? { policy } : {}),
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
    await voiceLoop?.close();
    await opened.close();
    throw error;
  }
  const voice = attachVoiceSocket(service.server, {
    apiKey: config.apiKey,
    ...(policy ? { policy } : {}),
    ...(openVoiceSession ? { openVoiceSession } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    url: service.url,
    port: service.port,
    opened,
    async close({ graceMs = 3_000 } = {}) {
      // Open voice sockets hold the server open: they are told to go (1001) while requests finish.
      await Promise.all([voice.close({ graceMs: Math.min(graceMs, 1_000) }), service.close({ graceMs })]);
      await voiceLoop?.close();
      await opened.close();
    },
  };
}
