import type { z } from 'zod';

/**
 * What a tool does to the world. It decides approvals on its own (never the model's text or a tool's
 * annotations): `read` changes nothing, `write` creates something or makes a sound, `destructive`
 * removes or overwrites something.
 */
export type ToolEffect = 'read' | 'write' | 'destructive';

/** What a tool may use while it runs: the session it runs for and a signal that aborts it. */
export interface ToolContext {
  sessionId: string;
  toolCallId: string;
  signal: AbortSignal;
}

/** A tool's answer: `text` is what the model reads; `data` is the structured form for pages and `--json`. */
export interface ToolOutput {
  text: string;
  data?: unknown;
}

/**
 * A tool the agent owns. `untrustedOutput` marks output written by someone other than the user
 * (retrieved passages, recalled memories, an external server's answer): once a turn has read such
 * output, every write or destructive call in that turn asks for approval.
 */
export interface AgentTool<Input = unknown> {
  name: string;
  description: string;
  inputSchema: z.ZodType<Input>;
  /**
   * The JSON Schema the model is shown, when it is not derived from `inputSchema`: an MCP server's own
   * schema, which it validates itself (`inputSchema` then only checks that the arguments are an object).
   */
  jsonSchema?: Record<string, unknown>;
  /**
   * `unknown` only for a tool we do not own whose verbs tell nothing (an MCP server's): it always asks.
   */
  effect: ToolEffect | 'unknown';
  untrustedOutput: boolean;
  /**
   * True for a tool whose every call waits for the user, whatever its effect and whatever the turn has
   * read: one that acts on the world outside this machine (a light, a lock), where "at your request"
   * is not enough because the model may have misheard which device. Unset means false.
   */
  alwaysAsks?: boolean;
  execute(input: Input, context: ToolContext): Promise<ToolOutput>;
}

/**
 * A failure the model should read and may work around ("Library Brain is not running at …"). Any other
 * error thrown by a tool is reported to the model as a generic failure, without its stack.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    message: string,
    readonly code = 'tool_failed',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
