import type { GatewayClient } from '@klody/gateway-client';
import type { SemanticMemory } from '@klody/memory';
import type { ModelObject } from '../loop/model-object.js';
import type { ModelTimeLimits } from '../loop/model-time-limits.js';
import type { LibraryBrainClient } from '../organs/library-brain-client.js';
import type { VocalBrainClient } from '../organs/vocalbrain-client.js';

/** The gateway as the MCP tools reach it. */
export interface McpGateway {
  /** KLODY_GATEWAY_URL, without `/v1` and trailing slashes: named in every error. */
  url: string;
  apiKey: string | null;
  /** The chat model's alias (KLODY_CHAT_MODEL, `brain`). */
  chatModel: string;
  /** chat and complete: the OpenAI client on the gateway's `/v1` (streamed, so that time limits apply per token). */
  client: GatewayClient;
  /** summarize: the chat model as an AI SDK provider instance, which the agent's own tool calls. */
  model: ModelObject;
}

/** What `createKlodyMcpServer` needs; `mcpDependenciesFromConfig` builds it from the agent's configuration. */
export interface KlodyMcpDependencies {
  /** Null when KLODY_GATEWAY_URL is `none`: chat, complete and summarize then say so. */
  gateway: McpGateway | null;
  /** Null when KLODY_LIBRARY_BRAIN_URL is `none`. */
  library: LibraryBrainClient | null;
  /** Null when KLODY_VOCALBRAIN_URL is `none` (only `health` asks it). */
  vocalBrain: VocalBrainClient | null;
  /** The agent's facts in agent.db (its semantic memory's `user` namespace). */
  memory: SemanticMemory;
  /** How long chat and complete may wait for the model's first token, then between two tokens. */
  modelTimeLimits: ModelTimeLimits;
  /** summarize's limit for the whole call (default 180 s). */
  summaryTimeoutMs?: number;
  /** For the gateway's health check; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Errors no tool expected (bugs): logged here; the client only reads that the tool failed. */
  onUnexpected?: (toolName: string, error: unknown) => void;
}
