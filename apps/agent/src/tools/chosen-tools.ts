import { ConfigurationError } from '@klody/service';
import type { AgentTool } from './agent-tool.js';

/** The tools KLODY_AGENT_TOOLS names (all when it is unset); a name no tool has stops the start. */
export function chosenTools(tools: AgentTool[], names: string[] | null): AgentTool[] {
  if (names === null) return tools;
  const known = new Set(tools.map((tool) => tool.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `KLODY_AGENT_TOOLS: no tool named ${unknown.join(', ')}; the tools are ${[...known].join(', ')}`,
    );
  }
  return tools.filter((tool) => names.includes(tool.name));
}
