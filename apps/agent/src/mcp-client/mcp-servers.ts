// The MCP servers of mcp.yaml as the agent lives with them: started in the background, their tools
// pinned and offered between steps, restarted when they died, reloaded when the file changes. A server
// is someone else's program: whatever it does, a turn never hangs on it and never runs a tool whose
// definition changed since the user trusted it.
import {
  canonicalJson,
  createMcpConnection,
  describeDeclaration,
  isStdioDeclaration,
  McpClientError,
  type McpConnection,
  type McpConnectionEvent,
  toolDefinitionHash,
} from '@klody/mcp';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { DynamicTools } from '../loop/tool-source.js';
import { type AgentTool, type ToolContext, ToolError, type ToolOutput } from '../tools/agent-tool.js';
import { createMcpAgentTool } from './mcp-agent-tool.js';
import type { McpConfigReading, McpServerSettings } from './mcp-config.js';
import type { McpServersView, McpServerView, McpToolView } from './mcp-servers-view.js';
import { mcpToolEffect } from './mcp-tool-effect.js';
import { mcpToolName } from './mcp-tool-name.js';
import { mcpResultText } from './mcp-tool-output.js';
import type { McpToolPin, McpToolPins } from './mcp-tool-pins.js';
import { McpToolsError } from './mcp-tools-error.js';
import { readMcpConfig } from './read-mcp-config.js';
import { watchMcpConfig } from './watch-mcp-config.js';

/** What the server set logs: pino's shape (an object, then the message). */
export interface McpLogger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface McpServersOptions {
  /** `$KLODY_HOME/agent/mcp.yaml`. */
  configPath: string;
  pins: McpToolPins;
  /** How long a call may take for servers without `timeoutSeconds` (KLODY_AGENT_TOOL_TIMEOUT). */
  callTimeoutMs: number;
  /** How long starting a server and listing its tools may take (default 15 s). */
  connectTimeoutMs?: number;
  /** How long a turn waits for servers still starting before its first step (default 3 s). */
  readyWaitMs?: number;
  /** How long before a server that could not start is tried again, when a turn begins (default 30 s). */
  retryAfterMs?: number;
  /** Whether mcp.yaml is watched and reloaded when it changes (default true). */
  watch?: boolean;
  /** Quiet time after the last change of mcp.yaml before it is read again (default 250 ms). */
  reloadDebounceMs?: number;
  /** Where `${env.NAME}` values come from (default process.env). */
  env?: NodeJS.ProcessEnv;
  logger?: McpLogger;
  now?: () => number;
}

/** The agent's MCP servers: a source of dynamic tools, a list for people, and re-approval. */
export interface McpServers extends DynamicTools {
  /** Reads mcp.yaml, starts its servers in the background and, unless told not to, watches the file. */
  start(): void;
  /** Reads mcp.yaml again now (what the watcher does after a change). */
  reload(): Promise<void>;
  /** Resolves when no server is starting or listing its tools (each of those is time-limited). */
  settled(): Promise<void>;
  view(): McpServersView;
  /**
   * Pins again what a server lists now for one tool (its own name, or the prefixed one) or for every
   * changed tool of the server; returns the tools it re-enabled.
   */
  approve(server: string, tool?: string): McpToolView[];
  /** Stops watching and stops every server. */
  close(): Promise<void>;
}

interface ListedTool {
  definition: Tool;
  name: string;
  hash: string;
  effect: AgentTool['effect'];
  agentTool: AgentTool;
}

interface ServerEntry {
  name: string;
  /** Null when its entry was invalid from the start (nothing to run). */
  settings: McpServerSettings | null;
  /** An edit of its entry that could not be used; the settings above still run. */
  configError: string | null;
  /** Null when disabled or invalid. */
  connection: McpConnection | null;
  tools: ListedTool[];
  /** The connection generation its tools were listed in; 0 before the first listing. */
  listedGeneration: number;
  /** How many times the server said its tools changed, and how many of those the listing has seen. */
  changeNotices: number;
  listedNotices: number;
  listing: Promise<number> | null;
  lastError: string | null;
  lastAttemptAt: number;
}

const silentLogger: McpLogger = { debug() {}, info() {}, warn() {}, error() {} };
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The sentence a call to a disabled tool gets, and the reason `mcp list` shows. */
function changedMessage(server: string, tool: string): string {
  return `its definition changed since it was pinned (the MCP server "${server}" describes it differently now), so it is disabled until you approve it again: pnpm agent mcp approve ${server} ${tool}`;
}

export function createMcpServers(options: McpServersOptions): McpServers {
  const { pins } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  const readyWaitMs = options.readyWaitMs ?? 3_000;
  const retryAfterMs = options.retryAfterMs ?? 30_000;
  const entries = new Map<string, ServerEntry>();
  let configError: string | null = null;
  let watcher: { close(): void } | null = null;
  let reloading: Promise<void> = Promise.resolve();
  let closed = false;

  function onConnectionEvent(event: McpConnectionEvent): void {
    if (event.type === 'connected') {
      logger.debug({ server: event.server, pid: event.pid }, `MCP server "${event.server}" connected`);
    } else if (event.type === 'tools-changed') {
      // Listed again (and pinned or disabled) in the background; a call meanwhile lists first.
      const entry = entries.get(event.server);
      if (entry) {
        entry.changeNotices += 1;
        refresh(entry).catch(() => {});
      }
    } else {
      logger.warn(
        { server: event.server, reason: event.reason },
        `MCP server "${event.server}" is down: ${event.reason}; it is started again on its next use`,
      );
    }
  }

  function newEntry(name: string, settings: McpServerSettings | null, error: string | null): ServerEntry {
    const connection =
      settings?.enabled === true
        ? createMcpConnection({
            name,
            declaration: settings.declaration,
            connectTimeoutMs,
            callTimeoutMs: settings.timeoutMs ?? options.callTimeoutMs,
            clientInfo: { name: 'klody-agent', version: '0.0.0' },
            onEvent: onConnectionEvent,
          })
        : null;
    return {
      name,
      settings,
      configError: settings ? null : error,
      connection,
      tools: [],
      listedGeneration: 0,
      changeNotices: 0,
      listedNotices: 0,
      listing: null,
      lastError: null,
      lastAttemptAt: 0,
    };
  }

  /** Takes a listing in: pins new tools, notes changed ones (disabled), builds the agent's tools. */
  function acceptTools(entry: ServerEntry, definitions: Tool[], generation: number, notices: number): void {
    const previous = new Map(entry.tools.map((listed) => [listed.definition.name, listed]));
    const names = new Set<string>();
    const tools: ListedTool[] = [];
    for (const definition of definitions) {
      const name = mcpToolName(entry.name, definition.name);
      if (names.has(name)) continue; // a server listing a name twice: the first one counts
      names.add(name);
      const hash = toolDefinitionHash(definition);
      const effect = mcpToolEffect(definition);
      const pin = pins.see({
        server: entry.name,
        tool: definition.name,
        hash,
        effect,
        definition: {
          name: definition.name,
          description: definition.description,
          inputSchema: definition.inputSchema,
          annotations: definition.annotations,
        },
      });
      const before = previous.get(definition.name);
      if (pin.state === 'changed' && before?.hash !== hash) {
        logger.warn(
          { server: entry.name, tool: definition.name, hash, pinnedHash: pin.pinnedHash },
          `MCP tool ${name}: ${changedMessage(entry.name, definition.name)}`,
        );
      }
      const reused = before && before.hash === hash && before.effect === effect ? before : null;
      tools.push(
        reused ?? {
          definition,
          name,
          hash,
          effect,
          agentTool: createMcpAgentTool({
            name,
            definition,
            effect,
            call: (args, context) => callTool(entry.name, definition.name, hash, args, context),
          }),
        },
      );
    }
    entry.tools = tools;
    entry.listedGeneration = generation;
    entry.listedNotices = notices;
  }

  /** Connects (or restarts) the server and lists its tools; one at a time per server. */
  function refresh(entry: ServerEntry): Promise<number> {
    const connection = entry.connection;
    if (!connection) return Promise.reject(new Error(`the MCP server "${entry.name}" is not running`));
    if (entry.listing) return entry.listing;
    entry.lastAttemptAt = now();
    const listing = (async () => {
      try {
        const notices = entry.changeNotices;
        const { generation, tools } = await connection.listTools();
        // Replaced or removed by a reload meanwhile: its answer no longer counts.
        if (entries.get(entry.name) === entry && entry.connection === connection) {
          acceptTools(entry, tools, generation, notices);
          entry.lastError = null;
        }
        return generation;
      } catch (error) {
        entry.lastError = messageOf(error);
        if (!closed && !(McpClientError.isInstance(error) && error.code === 'closed')) {
          logger.warn({ server: entry.name, reason: entry.lastError }, entry.lastError);
        }
        throw error;
      } finally {
        entry.listing = null;
      }
    })();
    entry.listing = listing;
    return listing;
  }

  /** The generation whose tools the entry holds, listing again after a restart or a change notice. */
  async function currentGeneration(entry: ServerEntry): Promise<number> {
    const fresh = () => {
      const state = entry.connection?.state();
      return (
        state?.status === 'connected' &&
        state.generation === entry.listedGeneration &&
        entry.listedNotices === entry.changeNotices
      );
    };
    if (fresh()) return entry.listedGeneration;
    if (entry.listing) {
      await entry.listing.catch(() => {});
      if (fresh()) return entry.listedGeneration;
    }
    return refresh(entry);
  }

  function toolError(error: unknown, name: string): ToolError {
    if (McpClientError.isInstance(error)) {
      const restart = error.code === 'server_down' ? '; it is started again on the next call' : '';
      return new ToolError(`${error.message}${restart}; ${name} did not complete`, `mcp_${error.code}`);
    }
    return new ToolError(`${name} failed: ${messageOf(error)}`, 'mcp_failed');
  }

  async function callTool(
    server: string,
    tool: string,
    hash: string,
    args: Record<string, unknown>,
    context: ToolContext,
  ): Promise<ToolOutput> {
    const name = mcpToolName(server, tool);
    // A restart between listing and calling (nothing was sent yet) is retried once, after a new listing.
    for (let attempt = 0; ; attempt++) {
      const entry = entries.get(server);
      const connection = entry?.connection;
      if (!entry || !connection) {
        throw new ToolError(
          `the MCP server "${server}" is no longer in mcp.yaml (or is disabled); ${name} was not run`,
          'mcp_server_removed',
        );
      }
      let generation: number;
      try {
        generation = await currentGeneration(entry);
      } catch (error) {
        throw toolError(error, name);
      }
      // Checked after the listing: a server that restarted with another definition is refused here.
      const listed = entry.tools.find((candidate) => candidate.definition.name === tool);
      if (!listed) {
        throw new ToolError(
          `the MCP server "${server}" no longer offers ${tool}; ${name} was not run`,
          'mcp_tool_gone',
        );
      }
      const pin = pins.get(server, tool);
      if (listed.hash !== hash || !pin || pin.state !== 'pinned' || pin.pinnedHash !== hash) {
        throw new ToolError(`${name} was not run: ${changedMessage(server, tool)}`, 'mcp_tool_changed');
      }
      try {
        const result = await connection.callTool(tool, args, {
          signal: context.signal,
          timeoutMs: entry.settings?.timeoutMs ?? options.callTimeoutMs,
          generation,
        });
        const text = mcpResultText(result);
        if (result.isError) {
          throw new ToolError(
            `the MCP server "${server}" answered an error for ${tool}: ${text || '(no message)'}`,
            'mcp_tool_error',
          );
        }
        return { text, data: result.structuredContent ?? null };
      } catch (error) {
        if (error instanceof ToolError) throw error;
        if (McpClientError.isInstance(error) && error.code === 'server_restarted' && attempt === 0) continue;
        throw toolError(error, name);
      }
    }
  }

  /** Applies a reading of mcp.yaml: added servers start, removed ones stop, changed ones restart. */
  function apply(reading: McpConfigReading): void {
    if (reading.error !== null) {
      configError = reading.error;
      logger.error({ path: reading.path }, `${reading.error}; the previous MCP servers are kept`);
      return;
    }
    configError = null;
    const seen = new Set<string>();
    const changes: string[] = [];
    for (const server of reading.servers) {
      seen.add(server.name);
      const existing = entries.get(server.name);
      if (server.settings === null) {
        logger.error(
          { server: server.name },
          `${server.error}; ${existing?.settings ? 'its previous settings are kept' : 'it is not started'}`,
        );
        if (existing?.settings) existing.configError = server.error;
        else {
          void existing?.connection?.close();
          entries.set(server.name, newEntry(server.name, null, server.error));
        }
        continue;
      }
      if (existing?.settings && canonicalJson(existing.settings) === canonicalJson(server.settings)) {
        existing.configError = null;
        continue;
      }
      // Stopped in the background: a server slow to exit must not delay the new one.
      void existing?.connection?.close();
      const entry = newEntry(server.name, server.settings, null);
      entries.set(server.name, entry);
      changes.push(`${existing ? 'changed' : 'added'} ${server.name}`);
      if (entry.connection) refresh(entry).catch(() => {});
    }
    for (const [name, entry] of entries) {
      if (seen.has(name)) continue;
      entries.delete(name);
      void entry.connection?.close();
      changes.push(`removed ${name}`);
    }
    if (changes.length > 0) logger.info({ path: reading.path }, `MCP servers: ${changes.join(', ')}`);
  }

  function reload(): Promise<void> {
    reloading = reloading
      .then(() => {
        if (!closed) apply(readMcpConfig(options.configPath, options.env ?? process.env));
      })
      .catch((error: unknown) => {
        logger.error({ path: options.configPath }, `mcp.yaml could not be applied: ${messageOf(error)}`);
      });
    return reloading;
  }

  function toolView(server: string, listed: ListedTool, pin: McpToolPin | null): McpToolView {
    const offered = pin !== null && pin.state === 'pinned' && pin.pinnedHash === listed.hash;
    return {
      name: listed.name,
      server,
      tool: listed.definition.name,
      description: listed.definition.description ?? '',
      effect: listed.effect,
      pin: offered ? 'pinned' : 'changed',
      offered,
      hash: listed.hash,
      pinnedHash: pin?.pinnedHash ?? listed.hash,
    };
  }

  function serverView(entry: ServerEntry): McpServerView {
    const declaration = entry.settings?.declaration ?? null;
    const state = entry.connection?.state() ?? null;
    const pinned = new Map(pins.forServer(entry.name).map((pin) => [pin.tool, pin]));
    const base = {
      name: entry.name,
      configError: entry.settings ? entry.configError : null,
      transport: declaration
        ? isStdioDeclaration(declaration)
          ? ('stdio' as const)
          : ('http' as const)
        : null,
      target: declaration ? describeDeclaration(declaration) : null,
      stderr: state?.stderr ?? [],
      tools: entry.tools.map((listed) =>
        toolView(entry.name, listed, pinned.get(listed.definition.name) ?? null),
      ),
    };
    if (!entry.settings) return { ...base, state: 'invalid', reason: entry.configError };
    if (!entry.connection || !state)
      return { ...base, state: 'disabled', reason: 'enabled: false in mcp.yaml' };
    switch (state.status) {
      case 'connected':
        // Connected, yet its tools could not be listed: the reason says why it offers none.
        return { ...base, state: 'connected', reason: entry.lastError };
      case 'down':
        return { ...base, state: 'down', reason: state.reason ?? entry.lastError };
      default:
        // Connected but its listing failed (a server that does not answer tools/list) counts as down.
        return entry.lastError && !entry.listing
          ? { ...base, state: 'down', reason: entry.lastError }
          : { ...base, state: 'connecting', reason: null };
    }
  }

  return {
    start() {
      if (closed) return;
      apply(readMcpConfig(options.configPath, options.env ?? process.env));
      if (options.watch !== false && !watcher) {
        watcher = watchMcpConfig(options.configPath, () => void reload(), {
          debounceMs: options.reloadDebounceMs ?? 250,
          onError: (error) =>
            logger.warn({ path: options.configPath }, `mcp.yaml is no longer watched: ${error.message}`),
        });
      }
    },
    reload,
    async settled() {
      await reloading;
      await Promise.all([...entries.values()].map((entry) => entry.listing?.catch(() => {})));
    },
    snapshot() {
      const pinned = new Map(pins.all().map((pin) => [`${pin.server}\n${pin.tool}`, pin]));
      const tools: AgentTool[] = [];
      const unavailable = new Map<string, string>();
      const version: string[] = [];
      for (const entry of entries.values()) {
        if (!entry.connection) continue;
        for (const listed of entry.tools) {
          const view = toolView(
            entry.name,
            listed,
            pinned.get(`${entry.name}\n${listed.definition.name}`) ?? null,
          );
          if (view.offered) tools.push(listed.agentTool);
          else unavailable.set(listed.name, changedMessage(entry.name, listed.definition.name));
          version.push(`${listed.name} ${listed.hash} ${listed.effect} ${view.offered}`);
        }
      }
      return { version: version.join('\n'), tools, unavailable };
    },
    async ready() {
      const waiting: Promise<unknown>[] = [];
      for (const entry of entries.values()) {
        if (!entry.connection || entry.listedGeneration > 0) continue;
        // A server that could not start is tried again when a turn begins, at most every retryAfterMs.
        if (!entry.listing && now() - entry.lastAttemptAt >= retryAfterMs) refresh(entry).catch(() => {});
        if (entry.listing) waiting.push(entry.listing.catch(() => {}));
      }
      if (waiting.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(waiting),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, readyWaitMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    },
    view() {
      return {
        configPath: options.configPath,
        configError,
        servers: [...entries.values()].sort((a, b) => a.name.localeCompare(b.name)).map(serverView),
      };
    },
    approve(server, tool) {
      const entry = entries.get(server);
      const known = pins.forServer(server);
      if (!entry && known.length === 0) {
        throw new McpToolsError(
          'mcp_server_not_found',
          `no MCP server "${server}" whose tools were seen (pnpm agent mcp list shows the servers and their tools)`,
        );
      }
      const own = tool?.startsWith(`${server}__`) ? tool.slice(server.length + 2) : tool;
      if (own !== undefined && !known.some((pin) => pin.tool === own)) {
        throw new McpToolsError(
          'mcp_tool_not_found',
          `the MCP server "${server}" has no tool "${own}" seen yet (pnpm agent mcp list shows them)`,
        );
      }
      const approved = pins.approve(server, own);
      for (const pin of approved) {
        logger.info(
          { server, tool: pin.tool, hash: pin.pinnedHash },
          `MCP tool ${mcpToolName(server, pin.tool)} approved again`,
        );
      }
      return approved.map((pin) => {
        const listed = entry?.tools.find((candidate) => candidate.definition.name === pin.tool);
        return listed
          ? toolView(server, listed, pin)
          : {
              name: mcpToolName(server, pin.tool),
              server,
              tool: pin.tool,
              description: pin.seenDescription,
              effect: pin.pinnedEffect,
              pin: pin.state,
              offered: false,
              hash: pin.seenHash,
              pinnedHash: pin.pinnedHash,
            };
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      watcher?.close();
      watcher = null;
      await reloading.catch(() => {});
      const all = [...entries.values()];
      entries.clear();
      await Promise.all(all.map((entry) => entry.connection?.close()));
    },
  };
}
