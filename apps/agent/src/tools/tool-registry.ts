import type { AgentTool, ToolEffect } from './agent-tool.js';

/**
 * The tools the agent owns, by name. Approvals are decided from what it says (a tool's `effect`
 * and `untrustedOutput`), never from the model's text, so a name is registered once: a second tool
 * of the same name is refused rather than silently replacing the first.
 */
export interface ToolRegistry {
  register(tool: AgentTool): void;
  get(name: string): AgentTool | undefined;
  has(name: string): boolean;
  /** `'unknown'` for a name no tool has: the approval policy asks for those. */
  effectOf(name: string): ToolEffect | 'unknown';
  /** In registration order. */
  list(): AgentTool[];
  names(): string[];
}

/** Tool names as OpenAI tool calling accepts them. */
const namePattern = /^[A-Za-z0-9_-]{1,64}$/;

export class DuplicateToolError extends Error {
  override readonly name = 'DuplicateToolError';
  constructor(readonly toolName: string) {
    super(`a tool named "${toolName}" is already registered`);
  }
}

export function createToolRegistry(tools: Iterable<AgentTool> = []): ToolRegistry {
  const byName = new Map<string, AgentTool>();
  const registry: ToolRegistry = {
    register(tool) {
      if (!namePattern.test(tool.name)) {
        throw new TypeError(`"${tool.name}" is not a valid tool name (letters, digits, _ and -, at most 64)`);
      }
      if (byName.has(tool.name)) throw new DuplicateToolError(tool.name);
      byName.set(tool.name, tool);
    },
    get: (name) => byName.get(name),
    has: (name) => byName.has(name),
    effectOf: (name) => byName.get(name)?.effect ?? 'unknown',
    list: () => [...byName.values()],
    names: () => [...byName.keys()],
  };
  for (const tool of tools) registry.register(tool);
  return registry;
}
