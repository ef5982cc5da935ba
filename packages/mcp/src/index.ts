export {
  keepStdoutForProtocol,
  type ServeOverStdioOptions,
  serveOverStdio,
} from './server/serve-over-stdio.js';
export { type McpRouteOptions, mountMcpRoute } from './server/streamable-http-route.js';
export { errorResult, guardTool, ToolFailure, textResult } from './server/tool-result.js';
