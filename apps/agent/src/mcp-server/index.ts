export type { KlodyMcpDependencies, McpGateway } from './klody-mcp-dependencies.js';
export { createKlodyMcpServer, klodyMcpServerVersion } from './klody-mcp-server.js';
export { type McpDependenciesOptions, mcpDependenciesFromConfig } from './mcp-dependencies-from-config.js';
