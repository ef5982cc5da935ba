export {
  canonicalJson,
  createMcpConnection,
  createStderrTail,
  describeDeclaration,
  type HttpServerDeclaration,
  isStdioDeclaration,
  type McpCallOptions,
  McpClientError,
  type McpClientErrorCode,
  type McpConnection,
  type McpConnectionEvent,
  type McpConnectionOptions,
  type McpConnectionState,
  type McpConnectionStatus,
  type McpServerDeclaration,
  type StderrTail,
  type StdioServerDeclaration,
  type ToolDefinition,
  toolDefinitionHash,
} from './client/index.js';
export {
  keepStdoutForProtocol,
  type ServeOverStdioOptions,
  serveOverStdio,
} from './server/serve-over-stdio.js';
export { type McpRouteOptions, mountMcpRoute } from './server/streamable-http-route.js';
export { errorResult, guardTool, ToolFailure, textResult } from './server/tool-result.js';
