export { createVocalBrainMcpServer } from './create-vocalbrain-mcp-server.js';
export { type McpLimits, mcpLimits } from './mcp-limits.js';
export { maxSpeakTextLength } from './speak-tool.js';
export type { VocalBrainMcpServices } from './vocalbrain-mcp-services.js';
