export {
  connectOverHttp,
  connectOverStdio,
  newClient,
  type StdioConnection,
  textOf,
} from './mcp-connections.js';
