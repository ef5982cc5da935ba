import type { ToolSet } from 'ai';
import type { AgentTool } from '../tools/agent-tool.js';
import { declareTools } from './model-step.js';

/** The tools as one step sees them. */
export interface CurrentTools {
  /** The registry: the only source of a tool's effect and of whether its output is untrusted. */
  byName: ReadonlyMap<string, AgentTool>;
  /** The same tools as the AI SDK is shown them (no execute). */
  declared: ToolSet;
  /**
   * Names the agent knows but does not offer now, with the sentence a call to one gets (an MCP tool
   * whose definition changed since it was pinned).
   */
  unavailable: ReadonlyMap<string, string>;
}

/** Tools that come and go while the agent runs: those of the MCP servers in mcp.yaml. */
export interface DynamicTools {
  /** The tools offered now; `version` changes whenever the set or any tool in it does. */
  snapshot(): { version: string; tools: readonly AgentTool[]; unavailable: ReadonlyMap<string, string> };
  /** Resolves when the tools still being fetched have come, or after a short bounded wait. */
  ready(): Promise<void>;
}

/**
 * Where the loop reads its tools at the start of each step: the fixed tools given to `createAgent`
 * and, when there are any, the dynamic ones of the moment. A dynamic tool never shadows a fixed one.
 */
export interface ToolSource {
  current(): CurrentTools;
  /** What a turn awaits before its first step: the dynamic tools' `ready`, itself bounded. */
  ready(): Promise<void>;
}

export function createToolSource(
  fixed: readonly AgentTool[],
  dynamic: DynamicTools | null = null,
): ToolSource {
  const fixedTools: CurrentTools = {
    byName: new Map(fixed.map((tool) => [tool.name, tool])),
    declared: declareTools(fixed),
    unavailable: new Map(),
  };
  if (!dynamic) return { current: () => fixedTools, ready: async () => {} };
  // Declaring tools builds their JSON schemas: done again only when the dynamic set changed.
  let cached: { version: string; tools: CurrentTools } | null = null;
  return {
    current() {
      const snapshot = dynamic.snapshot();
      if (cached?.version === snapshot.version) return cached.tools;
      const added = snapshot.tools.filter((tool) => !fixedTools.byName.has(tool.name));
      const all = [...fixed, ...added];
      const unavailable = new Map([...snapshot.unavailable].filter(([name]) => !fixedTools.byName.has(name)));
      const tools: CurrentTools = {
        byName: new Map(all.map((tool) => [tool.name, tool])),
        declared: { ...fixedTools.declared, ...declareTools(added) },
        unavailable,
      };
      cached = { version: snapshot.version, tools };
      return tools;
    },
    ready: () => dynamic.ready(),
  };
}
