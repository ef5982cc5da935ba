export {
  type AgentMemory,
  type AgentMemoryOptions,
  type BackfillReport,
  createAgentMemory,
  type TurnSummarySource,
  userNamespace,
} from './agent-memory.js';
export { summarizeTurn } from './summarize-turn.js';
