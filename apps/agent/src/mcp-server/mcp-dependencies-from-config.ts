import { createGatewayClient } from '@klody/gateway-client';
import type { SemanticMemory } from '@klody/memory';
import type { AgentConfig } from '../config/config.js';
import { createGatewayModel } from '../loop/gateway-model.js';
import { createLibraryBrainClient } from '../organs/library-brain-client.js';
import { createVocalBrainClient } from '../organs/vocalbrain-client.js';
import type { KlodyMcpDependencies } from './klody-mcp-dependencies.js';

export interface McpDependenciesOptions {
  fetch?: typeof fetch;
  onUnexpected?: KlodyMcpDependencies['onUnexpected'];
}

/**
 * The MCP server's dependencies from the agent's configuration (the same variables, the same limits):
 * clients only, nothing is contacted here. `memory` is the agent's own (`openAgentStores(config).memory.facts`).
 */
export function mcpDependenciesFromConfig(
  config: AgentConfig,
  memory: SemanticMemory,
  options: McpDependenciesOptions = {},
): KlodyMcpDependencies {
  const fetcher = options.fetch ? { fetch: options.fetch } : {};
  const apiKey = config.gatewayAPIKey;
  return {
    gateway: config.gatewayURL
      ? {
          url: config.gatewayURL,
          apiKey,
          chatModel: config.chatModel,
          client: createGatewayClient({
            baseURL: config.gatewayURL,
            ...(apiKey ? { apiKey } : {}),
            ...fetcher,
          }),
          model: createGatewayModel({
            baseURL: config.gatewayURL,
            model: config.chatModel,
            ...(apiKey ? { apiKey } : {}),
            ...fetcher,
          }),
        }
      : null,
    library: config.libraryBrainURL
      ? createLibraryBrainClient({ url: config.libraryBrainURL, timeoutMs: config.toolTimeoutMs, ...fetcher })
      : null,
    vocalBrain: config.vocalBrainURL
      ? createVocalBrainClient({ url: config.vocalBrainURL, timeoutMs: config.toolTimeoutMs, ...fetcher })
      : null,
    memory,
    modelTimeLimits: config.modelTimeLimits,
    ...fetcher,
    ...(options.onUnexpected ? { onUnexpected: options.onUnexpected } : {}),
  };
}
