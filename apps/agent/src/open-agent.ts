import { join } from 'node:path';
import { createEmbedderFromId, createIngester, type Embedder } from '@klody/memory';
import { ConfigurationError } from '@klody/service';
import type { Agent } from './agent/agent.js';
import { createAgent } from './agent/create-agent.js';
import { type ApprovalStore, createApprovalStore } from './approvals/approval-store.js';
import type { AgentConfig } from './config/config.js';
import type { AgentRecords } from './http/agent-records.js';
import type { HealthReport } from './http/create-app.js';
import { createStoreRecords } from './http/store-records.js';
import { kindSyncs, messageResolver } from './knowledge/kind-syncs.js';
import { createKnowledgeBase, type KnowledgeBase } from './knowledge/knowledge-base.js';
import { withKnowledgeContext } from './knowledge/knowledge-context.js';
import { createKnowledgeKinds } from './knowledge/knowledge-kinds.js';
import { createKnowledgeSearch, type KnowledgeSearch } from './knowledge/knowledge-search.js';
import { createSearchMyKnowledgeTool } from './knowledge/search-my-knowledge-tool.js';
import { createGatewayModel } from './loop/gateway-model.js';
import {
  createMcpServers,
  type McpLogger,
  type McpServers,
  type McpServersOptions,
} from './mcp-client/mcp-servers.js';
import { createMcpToolPins, type McpToolPins } from './mcp-client/mcp-tool-pins.js';
import { type AgentMemory, type BackfillReport, createAgentMemory } from './memory/agent-memory.js';
import { gatewayHealth } from './organs/gateway-health.js';
import { type AgentStore, createAgentStore } from './store/agent-store.js';
import { type AgentDatabase, openAgentDatabase } from './store/open-agent-database.js';
import { chosenTools } from './tools/chosen-tools.js';
import { createDefaultTools } from './tools/default-tools.js';
import { createVoiceTurnStore, type VoiceTurnStore } from './voice/voice-turn-store.js';

export interface OpenAgentOptions {
  /** For tests and the organ clients; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
  /** MCP servers' starts, deaths and mcp.yaml errors; nothing is logged without it. */
  logger?: McpLogger;
  /** How the MCP servers are waited for and watched (tests shorten the waits). */
  mcp?: Partial<Pick<McpServersOptions, 'connectTimeoutMs' | 'readyWaitMs' | 'reloadDebounceMs' | 'watch'>>;
}

/** The agent's stores without its model: enough to list approvals or backfill memory. */
export interface AgentStores {
  database: AgentDatabase;
  store: AgentStore;
  approvals: ApprovalStore;
  memory: AgentMemory;
  /** MCP tools pinned by their definition's hash (`pnpm agent mcp approve` re-pins a changed one). */
  mcpPins: McpToolPins;
  /** What the user added with `pnpm agent knowledge add` (documents, chat exports, notes, code). */
  knowledge: KnowledgeBase;
  knowledgeSearch: KnowledgeSearch;
  records: AgentRecords;
  /** The metrics of every spoken turn (`/voice`, `agent talk`), behind `/metrics`. */
  voiceTurns: VoiceTurnStore;
  /** Mirrors every stored turn that is not in semantic memory yet; a second run adds nothing. */
  backfill(): Promise<BackfillReport>;
  close(): Promise<void>;
}

/** The whole agent, built from the configuration. */
export interface OpenedAgent extends AgentStores {
  agent: Agent;
  /** The servers of mcp.yaml, started in the background and reloaded when the file changes. */
  mcp: McpServers;
  /** What `/health` says: the gateway's state as seen now (within a second). */
  health(): Promise<HealthReport>;
}

async function memoryEmbedder(config: AgentConfig, options: OpenAgentOptions): Promise<Embedder | null> {
  if (!config.embedder) return null;
  try {
    return await createEmbedderFromId(config.embedder, {
      ...(config.gatewayURL ? { baseUrl: config.gatewayURL } : {}),
      ...(config.gatewayAPIKey ? { apiKey: config.gatewayAPIKey } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  } catch (error) {
    throw new ConfigurationError(
      `KLODY_EMBEDDER: ${config.embedder} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Opens `$KLODY_HOME/agent/agent.db` and the stores in it (sessions, approvals, semantic memory). */
export async function openAgentStores(
  config: AgentConfig,
  options: OpenAgentOptions = {},
): Promise<AgentStores> {
  const embedder = await memoryEmbedder(config, options);
  const database = openAgentDatabase(config.databasePath);
  try {
    const now = options.now ?? Date.now;
    const store = createAgentStore(database.connection);
    const approvals = createApprovalStore(database.connection, { ttlMs: config.approvalTtlMs, now });
    const memory = createAgentMemory({
      connection: database.connection,
      embedder,
      writeLock: database.memoryDatabase.writeLock,
      now,
    });
    // The user's knowledge is stored in @klody/memory's source tables of the same file, with the
    // memory's embedder (when there is one) so that search is hybrid like recall.
    const ingester = createIngester({ database: database.memoryDatabase, embedder });
    const knowledge = createKnowledgeBase({
      connection: database.connection,
      memoryDatabase: database.memoryDatabase,
      ingester,
      kinds: createKnowledgeKinds({
        database: database.memoryDatabase,
        syncs: kindSyncs(database.memoryDatabase),
      }),
      now,
    });
    return {
      database,
      store,
      approvals,
      memory,
      mcpPins: createMcpToolPins(database.connection, { now }),
      knowledge,
      knowledgeSearch: createKnowledgeSearch({
        database: database.memoryDatabase,
        embedder,
        messageAt: messageResolver,
      }),
      records: createStoreRecords({ store, approvals, maxSteps: config.maxSteps, now }),
      voiceTurns: createVoiceTurnStore(database.connection),
      backfill: () => memory.backfill(store.turnSummaries()),
      async close() {
        await ingester.close();
        database.close();
      },
    };
  } catch (error) {
    database.close();
    throw error;
  }
}

/**
 * The MCP servers of `$KLODY_HOME/agent/mcp.yaml`, not started yet (`start()` does it, in the
 * background); `watch` defaults to true.
 */
export function openMcpServers(
  config: AgentConfig,
  stores: AgentStores,
  options: OpenAgentOptions = {},
): McpServers {
  return createMcpServers({
    configPath: config.mcpConfigPath,
    pins: stores.mcpPins,
    callTimeoutMs: config.toolTimeoutMs,
    ...options.mcp,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

/**
 * Builds the agent from the configuration: the database, the gateway's chat model (a provider
 * instance), approvals, memory, the default tools and the MCP servers' tools. No network call is
 * awaited here: an organ or a gateway that is not running shows in /health and as tool errors, never
 * as a failed start; MCP servers start in the background (a turn waits a few seconds at most for them).
 */
export async function openAgent(config: AgentConfig, options: OpenAgentOptions = {}): Promise<OpenedAgent> {
  const gatewayURL = config.gatewayURL;
  if (gatewayURL === null) {
    throw new ConfigurationError(
      `KLODY_GATEWAY_URL is "none": the agent needs the gateway's chat model (${config.chatModel}) to answer`,
    );
  }
  const stores = await openAgentStores(config, options);
  let mcp: McpServers | null = null;
  try {
    const model = createGatewayModel({
      baseURL: gatewayURL,
      model: config.chatModel,
      ...(config.gatewayAPIKey ? { apiKey: config.gatewayAPIKey } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const tools = createDefaultTools({
      libraryBrainURL: config.libraryBrainURL,
      vocalBrainURL: config.vocalBrainURL,
      composeURL: config.composeURL,
      searxngURL: config.searxngURL,
      homeAssistant: config.homeAssistant,
      memory: stores.memory.facts,
      model,
      audioFolder: join(config.home, 'audio'),
      timeoutMs: config.toolTimeoutMs,
      ...(options.now ? { now: () => new Date((options.now as () => number)()) } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const hasKnowledge = () => stores.knowledge.hasRoots();
    tools.push(createSearchMyKnowledgeTool({ search: stores.knowledgeSearch, hasKnowledge }));
    // KLODY_AGENT_TOOLS chooses among the built-in tools only; mcp.yaml says which servers run.
    const builtIn = chosenTools(tools, config.tools);
    mcp = openMcpServers(config, stores, options);
    mcp.start();
    const agent = createAgent({
      model,
      connection: stores.database.connection,
      tools: builtIn,
      dynamicTools: mcp,
      approvals: stores.approvals,
      memory: withKnowledgeContext(stores.memory, stores.knowledgeSearch, { hasKnowledge }),
      maxSteps: config.maxSteps,
      toolChoice: config.toolChoice,
      modelTimeLimits: config.modelTimeLimits,
      ...(options.now ? { now: options.now } : {}),
    });
    const fetcher = options.fetch ?? fetch;
    const servers = mcp;
    return {
      ...stores,
      agent,
      mcp: servers,
      async health() {
        const { gateway, reason } = await gatewayHealth({
          gatewayURL,
          apiKey: config.gatewayAPIKey,
          chatModel: config.chatModel,
          fetch: fetcher,
        });
        return {
          status: gateway === 'ok' ? 'ok' : 'degraded',
          gateway,
          reason,
          gatewayURL,
          chatModel: config.chatModel,
          libraryBrainURL: config.libraryBrainURL,
          vocalBrainURL: config.vocalBrainURL,
          composeURL: config.composeURL,
          pendingApprovals: stores.approvals.pending().length,
        };
      },
      async close() {
        await agent.close();
        await servers.close();
        await stores.close();
      },
    };
  } catch (error) {
    await mcp?.close();
    await stores.close();
    throw error;
  }
}
