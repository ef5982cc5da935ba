export type { Agent, ApprovalDecision } from './agent/agent.js';
export type * from './agent/agent-events.js';
export { type CreateAgentOptions, type CreatedAgent, createAgent } from './agent/create-agent.js';
export {
  ApprovalError,
  type ApprovalRecord,
  type ApprovalStore,
  approvalNeed,
  argumentsHash,
  canonicalJson,
  classifyByVerbs,
  createApprovalStore,
} from './approvals/index.js';
export { type AgentConfig, readConfig } from './config/config.js';
export type {
  AgentRecords,
  ApprovalView,
  ConversationMessage,
  SessionDetail,
  SessionSummary,
} from './http/agent-records.js';
export { type CreateAppOptions, createApp, type HealthReport } from './http/create-app.js';
export { type RunningServer, type StartServerOptions, startServer } from './http/start-server.js';
export {
  citationLabel,
  createKnowledgeBase,
  createKnowledgeKinds,
  createKnowledgeSearch,
  createSearchMyKnowledgeTool,
  type KnowledgeBase,
  KnowledgeError,
  type KnowledgeKind,
  type KnowledgeKindName,
  type KnowledgePassage,
  type KnowledgeRoot,
  type KnowledgeSearch,
  type KnowledgeSync,
  type KnowledgeSyncResult,
  type MessageResolver,
  withKnowledgeContext,
} from './knowledge/index.js';
export { createGatewayModel, type GatewayModelOptions } from './loop/gateway-model.js';
export {
  type CurrentTools,
  createToolSource,
  type DynamicTools,
  type ToolSource,
} from './loop/tool-source.js';
export {
  createMcpServers,
  createMcpToolPins,
  type McpConfigReading,
  type McpLogger,
  type McpServers,
  type McpServersOptions,
  type McpServersView,
  type McpServerView,
  McpToolsError,
  type McpToolView,
  mcpToolEffect,
  mcpToolName,
  readMcpConfig,
} from './mcp-client/index.js';
export {
  createKlodyMcpServer,
  type KlodyMcpDependencies,
  klodyMcpServerVersion,
  type McpDependenciesOptions,
  type McpGateway,
  mcpDependenciesFromConfig,
} from './mcp-server/index.js';
export { type AgentMemory, type BackfillReport, createAgentMemory } from './memory/index.js';
export {
  type AgentStores,
  type OpenAgentOptions,
  type OpenedAgent,
  openAgent,
  openAgentStores,
  openMcpServers,
} from './open-agent.js';
export type { AgentTool, ToolContext, ToolEffect, ToolOutput } from './tools/agent-tool.js';
export { ToolError } from './tools/agent-tool.js';
export { createDefaultTools, type DefaultToolsDependencies } from './tools/default-tools.js';
export { keyProtocol, voiceProtocol } from './voice/voice-key-protocol.js';
export {
  attachVoiceSocket,
  defaultKeepAliveMs,
  type VoiceSocket,
  type VoiceSocketOptions,
  voiceFrameLimitBytes,
  voicePath,
} from './voice/voice-socket.js';
