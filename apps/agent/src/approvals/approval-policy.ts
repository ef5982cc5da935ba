import type { ToolEffect } from '../tools/agent-tool.js';

/** What the policy reads: the registry's effect for the tool and whether the turn has read untrusted text. */
export interface ApprovalNeedInput {
  toolName: string;
  /** From the registry (or `classifyByVerbs` for tools we do not own), never from the model's text. */
  effect: ToolEffect | 'unknown';
  /** True once the turn has read output marked `untrustedOutput` (passages, memories, external servers). */
  untrustedSeen: boolean;
  /** The registry's `alwaysAsks` for the tool: every call asks, whatever the effect and the turn. */
  alwaysAsks?: boolean;
}

export interface ApprovalNeed {
  needed: boolean;
  /** One sentence for the user saying why it asks (or why it does not). */
  reason: string;
}

/**
 * Whether a tool call must wait for the user. The inputs are the registry's effect and one flag the
 * loop keeps; nothing the model writes (its arguments, its explanations, a tool's annotations) can
 * lower the answer:
 * - `read` never asks: it changes nothing, and what it reads is what makes later calls ask;
 * - `write` asks once the turn has read untrusted text (a passage could have asked for it), else not;
 * - `destructive` always asks;
 * - `unknown` (a tool whose effect nobody could tell) always asks;
 * - a tool marked `alwaysAsks` always asks, before any of the rules above can let it run.
 */
export function approvalNeed(input: ApprovalNeedInput): ApprovalNeed {
  const { toolName, effect, untrustedSeen } = input;
  if (input.alwaysAsks === true) {
    return { needed: true, reason: `${toolName} acts on the world outside this machine, which always asks.` };
  }
  switch (effect) {
    case 'read':
      return { needed: false, reason: `${toolName} only reads, it changes nothing.` };
    case 'write':
      return untrustedSeen
        ? {
            needed: true,
            reason: `${toolName} changes something, and this turn has read text written by someone else, which could have asked for it.`,
          }
        : {
            needed: false,
            reason: `${toolName} changes something, at your request only (no outside text read yet).`,
          };
    case 'destructive':
      return { needed: true, reason: `${toolName} removes or overwrites something, which always asks.` };
    default:
      return {
        needed: true,
        reason: `What ${toolName} does is not known, so it asks before it runs.`,
      };
  }
}
