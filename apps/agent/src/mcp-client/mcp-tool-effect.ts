import { classifyByVerbs } from '../approvals/classify-by-verbs.js';
import type { ToolEffect } from '../tools/agent-tool.js';

/** What an MCP server says of one of its tools, as far as classification goes. */
export interface McpToolDescription {
  name: string;
  description?: string | undefined;
  annotations?: { readOnlyHint?: boolean | undefined; destructiveHint?: boolean | undefined } | undefined;
}

/**
 * The effect of a server's tool, from the verbs of its own name and description (FR/EN). Its
 * annotations can only raise the class: `destructiveHint: true` makes it destructive, `readOnlyHint`
 * is never believed (a hostile server would set it on everything). `unknown` always asks.
 */
export function mcpToolEffect(tool: McpToolDescription): ToolEffect | 'unknown' {
  return classifyByVerbs(
    tool.name,
    tool.description ?? '',
    tool.annotations?.destructiveHint === true ? { destructiveHint: true } : {},
  );
}

/** How much an effect asks: `unknown` asks always, like `destructive`. */
const askingRank: Record<ToolEffect | 'unknown', number> = { read: 0, write: 1, destructive: 2, unknown: 2 };

/**
 * Whether `now` asks less often than `pinned`: a tool whose class went down (a `destructiveHint`
 * dropped, say) is treated as changed, like one whose definition changed. A class that went up asks
 * more, which needs nobody's approval.
 */
export function effectLowered(pinned: ToolEffect | 'unknown', now: ToolEffect | 'unknown'): boolean {
  return askingRank[now] < askingRank[pinned];
}
