import type { ApprovalStore } from '../approvals/approval-store.js';
import type { AgentMemory } from '../memory/agent-memory.js';
import type { AgentStore } from '../store/agent-store.js';
import type { ModelObject } from './model-object.js';
import type { ModelTimeLimits } from './model-time-limits.js';
import type { ToolSource } from './tool-source.js';

/** Whether the model must call a tool: see LoopContext.toolChoice. */
export type ToolChoicePolicy = 'auto' | 'required-first';

/** What the loop's functions share: the model, the stores, the registry and the settings. */
export interface LoopContext {
  model: ModelObject;
  store: AgentStore;
  approvals: ApprovalStore;
  /**
   * The registry, read at the start of each step (MCP servers' tools come and go between steps): the
   * only source of a tool's effect and of whether its output is untrusted.
   */
  tools: ToolSource;
  systemPrompt: string;
  maxSteps: number;
  /** How long a model call may stay silent before the turn stops with `model_timeout`. */
  modelTimeLimits: ModelTimeLimits;
  /**
   * `auto` lets the model choose between answering and calling a tool; `required-first` makes the
   * first step of each turn call a tool (the gateway constrains the output to the tools' schemas), for
   * small models that never call a tool on their own.
   */
  toolChoice: ToolChoicePolicy;
  memory: Pick<AgentMemory, 'mirrorTurn' | 'replaceTurn' | 'contextFor'> | null;
  /** Milliseconds since the epoch, for stored times. */
  now: () => number;
}
