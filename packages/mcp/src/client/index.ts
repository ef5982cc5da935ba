export { McpClientError, type McpClientErrorCode } from './mcp-client-error.js';
export {
  createMcpConnection,
  type McpCallOptions,
  type McpConnection,
  type McpConnectionEvent,
  type McpConnectionOptions,
  type McpConnectionState,
  type McpConnectionStatus,
} from './mcp-connection.js';
export {
  describeDeclaration,
  type HttpServerDeclaration,
  isStdioDeclaration,
  type McpServerDeclaration,
  type StdioServerDeclaration,
} from './server-declaration.js';
export { createStderrTail, type StderrTail } from './stderr-tail.js';
export { canonicalJson, type ToolDefinition, toolDefinitionHash } from './tool-definition-hash.js';
