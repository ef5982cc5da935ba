export { createMcpAgentTool } from './mcp-agent-tool.js';
export type { McpConfigReading, McpServerEntry, McpServerSettings } from './mcp-config.js';
export { serverNamePattern, serverNameRule } from './mcp-config-schema.js';
export { createMcpServers, type McpLogger, type McpServers, type McpServersOptions } from './mcp-servers.js';
export type { McpServerState, McpServersView, McpServerView, McpToolView } from './mcp-servers-view.js';
export { effectLowered, type McpToolDescription, mcpToolEffect } from './mcp-tool-effect.js';
export { mcpToolName } from './mcp-tool-name.js';
export { mcpOutputMaxCharacters, mcpResultText } from './mcp-tool-output.js';
export {
  createMcpToolPins,
  type McpPinState,
  type McpToolPin,
  type McpToolPins,
  type McpToolSighting,
} from './mcp-tool-pins.js';
export { McpToolsError, type McpToolsErrorCode } from './mcp-tools-error.js';
export { readMcpConfig } from './read-mcp-config.js';
