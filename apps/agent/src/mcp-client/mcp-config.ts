import type { McpServerDeclaration } from '@klody/mcp';

/** One server of mcp.yaml, validated, with `${env.NAME}` already replaced. */
export interface McpServerSettings {
  name: string;
  declaration: McpServerDeclaration;
  /** `timeoutSeconds` in milliseconds, or null for the agent's default (KLODY_AGENT_TOOL_TIMEOUT). */
  timeoutMs: number | null;
  /** `enabled: false` keeps a server declared but neither started nor offered. */
  enabled: boolean;
}

/** A server of the file: its settings, or why its entry cannot be used. */
export type McpServerEntry =
  | { name: string; settings: McpServerSettings; error: null }
  | { name: string; settings: null; error: string };

/** What `$KLODY_HOME/agent/mcp.yaml` says at one moment. */
export interface McpConfigReading {
  path: string;
  /**
   * Why the file as a whole cannot be used (unreadable, not YAML, no `servers:` mapping), naming the
   * file; `servers` is then empty. Null otherwise (a missing file is fine: no servers).
   */
  error: string | null;
  servers: McpServerEntry[];
}
