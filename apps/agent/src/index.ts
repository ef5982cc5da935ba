export type { Agent, ApprovalDecision } from './agent/agent.js';
export type * from './agent/agent-events.js';
export type { AgentTool, ToolContext, ToolEffect, ToolOutput } from './tools/agent-tool.js';
export { ToolError } from './tools/agent-tool.js';
