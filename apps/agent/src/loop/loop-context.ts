import type { ToolSet } from 'ai';
import type { ApprovalStore } from '../approvals/approval-store.js';
import type { AgentMemory } from '../memory/agent-memory.js';
import type { AgentStore } from '../store/agent-store.js';
import type { AgentTool } from '../tools/agent-tool.js';
import type { ModelObject } from './model-object.js';

/** What the loop's functions share: the model, the stores, the registry and the settings. */
export interface LoopContext {
  model: ModelObject;
  store: AgentStore;
  approvals: ApprovalStore;
  /** The registry: the only source of a tool's effect and of whether its output is untrusted. */
  tools: ReadonlyMap<string, AgentTool>;
  /** The same tools as the AI SDK is shown them (no execute). */
  declaredTools: ToolSet;
  systemPrompt: string;
  maxSteps: number;
  memory: Pick<AgentMemory, 'mirrorTurn' | 'contextFor'> | null;
  /** Milliseconds since the epoch, for stored times. */
  now: () => number;
}
