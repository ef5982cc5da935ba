import type { ToolEffect } from '../tools/agent-tool.js';
import type { McpPinState } from './mcp-tool-pins.js';

/**
 * `connected`; `connecting` (starting, or not started yet); `down` (could not start, or died: the next
 * call starts it again); `disabled` (`enabled: false`); `invalid` (its entry in mcp.yaml is wrong and
 * no earlier valid one runs).
 */
export type McpServerState = 'connected' | 'connecting' | 'down' | 'disabled' | 'invalid';

export interface McpToolView {
  /** The name the model sees: `<server>__<tool>`. */
  name: string;
  server: string;
  /** The server's own name for it. */
  tool: string;
  description: string;
  effect: ToolEffect | 'unknown';
  /** `changed`: its definition changed since it was pinned; disabled until `mcp approve`. */
  pin: McpPinState;
  /** Whether the model is offered it now. */
  offered: boolean;
  /** toolDefinitionHash of the definition listed (or last seen), and of the pinned one. */
  hash: string;
  pinnedHash: string;
}

export interface McpServerView {
  name: string;
  state: McpServerState;
  /** Why it is down or invalid; null otherwise. */
  reason: string | null;
  /** An edit of its entry that could not be used (the previous settings still run); null otherwise. */
  configError: string | null;
  transport: 'stdio' | 'http' | null;
  /** The command line or the URL (never headers or environment values: they hold secrets). */
  target: string | null;
  /** The last lines its process wrote to stderr. */
  stderr: string[];
  tools: McpToolView[];
}

/** What `pnpm agent mcp list --json` prints and `GET /api/mcp` answers. */
export interface McpServersView {
  configPath: string;
  /** Why mcp.yaml as a whole could not be used (the servers shown are the previous ones); null otherwise. */
  configError: string | null;
  servers: McpServerView[];
}
