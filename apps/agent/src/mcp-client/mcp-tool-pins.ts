import type Database from 'better-sqlite3';
import type { ToolEffect } from '../tools/agent-tool.js';
import { effectLowered } from './mcp-tool-effect.js';

/** `pinned`: as first seen (or last approved); `changed`: disabled until the user approves it again. */
export type McpPinState = 'pinned' | 'changed';

export interface McpToolPin {
  server: string;
  /** The server's own name for the tool (not the prefixed one). */
  tool: string;
  /** toolDefinitionHash of the definition the user trusts. */
  pinnedHash: string;
  pinnedEffect: ToolEffect | 'unknown';
  /** The definition last listed by the server, which `approve` pins. */
  seenHash: string;
  seenEffect: ToolEffect | 'unknown';
  seenDescription: string;
  /** Milliseconds since the epoch. */
  pinnedAt: number;
  seenAt: number;
  state: McpPinState;
}

export interface McpToolSighting {
  server: string;
  tool: string;
  hash: string;
  effect: ToolEffect | 'unknown';
  /** The definition as listed (name, description, input schema, annotations), kept for people. */
  definition: { description?: string | undefined } & Record<string, unknown>;
}

export interface McpToolPins {
  /**
   * Records a tool as a server listed it: pinned at first sight (adding a server to mcp.yaml is the
   * user's trust in its tools as they are then), else what was seen is noted beside the pin.
   */
  see(sighting: McpToolSighting): McpToolPin;
  get(server: string, tool: string): McpToolPin | null;
  forServer(server: string): McpToolPin[];
  all(): McpToolPin[];
  /**
   * Pins what was last seen, for one tool or for every changed tool of the server, and returns the
   * pins it changed (none when everything was pinned as it is).
   */
  approve(server: string, tool?: string): McpToolPin[];
}

interface PinRow {
  server: string;
  tool: string;
  pinned_hash: string;
  pinned_effect: string;
  pinned_at: number;
  seen_hash: string;
  seen_effect: string;
  seen_definition: string;
  seen_at: number;
}

const schema = `
  CREATE TABLE IF NOT EXISTS agent_mcp_tool_pins (
    server TEXT NOT NULL,
    tool TEXT NOT NULL,
    pinned_hash TEXT NOT NULL,
    pinned_effect TEXT NOT NULL,
    pinned_definition TEXT NOT NULL,
    pinned_at INTEGER NOT NULL,
    seen_hash TEXT NOT NULL,
    seen_effect TEXT NOT NULL,
    seen_definition TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (server, tool)
  );
`;

function toPin(row: PinRow): McpToolPin {
  const pinnedEffect = row.pinned_effect as ToolEffect | 'unknown';
  const seenEffect = row.seen_effect as ToolEffect | 'unknown';
  let seenDescription = '';
  try {
    const definition = JSON.parse(row.seen_definition) as { description?: unknown };
    if (typeof definition.description === 'string') seenDescription = definition.description;
  } catch {
    // A definition that is not JSON any more has no description to show; the hashes still decide.
  }
  return {
    server: row.server,
    tool: row.tool,
    pinnedHash: row.pinned_hash,
    pinnedEffect,
    seenHash: row.seen_hash,
    seenEffect,
    seenDescription,
    pinnedAt: row.pinned_at,
    seenAt: row.seen_at,
    state:
      row.seen_hash !== row.pinned_hash || effectLowered(pinnedEffect, seenEffect) ? 'changed' : 'pinned',
  };
}

/**
 * The pins of MCP servers' tools in the agent's database (table `agent_mcp_tool_pins`). Read again on
 * every use, so that `pnpm agent mcp approve` in another process re-enables a tool in a running agent
 * at its next step.
 */
export function createMcpToolPins(
  connection: Database.Database,
  options: { now?: () => number } = {},
): McpToolPins {
  const now = options.now ?? Date.now;
  connection.exec(schema);
  const selectOne = connection.prepare('SELECT * FROM agent_mcp_tool_pins WHERE server = ? AND tool = ?');
  const selectServer = connection.prepare('SELECT * FROM agent_mcp_tool_pins WHERE server = ? ORDER BY tool');
  const selectAll = connection.prepare('SELECT * FROM agent_mcp_tool_pins ORDER BY server, tool');
  const insert = connection.prepare(
    `INSERT INTO agent_mcp_tool_pins (server, tool, pinned_hash, pinned_effect, pinned_definition, pinned_at,
       seen_hash, seen_effect, seen_definition, seen_at)
     VALUES (@server, @tool, @hash, @effect, @definition, @at, @hash, @effect, @definition, @at)`,
  );
  const updateSeen = connection.prepare(
    `UPDATE agent_mcp_tool_pins SET seen_hash = @hash, seen_effect = @effect, seen_definition = @definition,
       seen_at = @at WHERE server = @server AND tool = @tool`,
  );
  const pinSeen = connection.prepare(
    `UPDATE agent_mcp_tool_pins SET pinned_hash = seen_hash, pinned_effect = seen_effect,
       pinned_definition = seen_definition, pinned_at = ? WHERE server = ? AND tool = ?`,
  );
  const get = (server: string, tool: string) => {
    const row = selectOne.get(server, tool) as PinRow | undefined;
    return row ? toPin(row) : null;
  };
  const see = connection.transaction((sighting: McpToolSighting): McpToolPin => {
    const values = {
      server: sighting.server,
      tool: sighting.tool,
      hash: sighting.hash,
      effect: sighting.effect,
      definition: JSON.stringify(sighting.definition),
      at: now(),
    };
    if (selectOne.get(sighting.server, sighting.tool)) updateSeen.run(values);
    else insert.run(values);
    return get(sighting.server, sighting.tool) as McpToolPin;
  });
  const approve = connection.transaction((server: string, tool?: string): McpToolPin[] => {
    const candidates =
      tool === undefined ? (selectServer.all(server) as PinRow[]).map(toPin) : [get(server, tool)];
    const changed = candidates.filter((pin): pin is McpToolPin => pin !== null && pin.state === 'changed');
    const at = now();
    for (const pin of changed) pinSeen.run(at, pin.server, pin.tool);
    return changed.map((pin) => get(pin.server, pin.tool) as McpToolPin);
  });
  return {
    see,
    get,
    forServer: (server) => (selectServer.all(server) as PinRow[]).map(toPin),
    all: () => (selectAll.all() as PinRow[]).map(toPin),
    approve: (server, tool) => approve(server, tool),
  };
}
