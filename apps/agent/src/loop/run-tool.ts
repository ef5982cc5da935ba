import { type AgentTool, type ToolContext, ToolError } from '../tools/agent-tool.js';

export type ToolRun =
  | { ok: true; text: string; data: unknown; durationMs: number }
  | { ok: false; message: string; durationMs: number };

/**
 * Runs one tool. A `ToolError`'s message goes to the model as it is (it was written for it: "Library
 * Brain is not running at …"); any other error becomes a generic failure naming only its class, so
 * that no stack, path or internal detail reaches the model or the user.
 */
export async function runTool(tool: AgentTool, input: unknown, context: ToolContext): Promise<ToolRun> {
  const started = performance.now();
  try {
    const output = await tool.execute(input, context);
    return {
      ok: true,
      text: output.text,
      data: output.data ?? null,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    const durationMs = performance.now() - started;
    if (error instanceof ToolError || (error instanceof Error && error.name === 'ToolError')) {
      return { ok: false, message: error.message, durationMs };
    }
    const kind = error instanceof Error && error.name !== 'Error' ? ` (${error.name})` : '';
    return { ok: false, message: `${tool.name} failed with an internal error${kind}.`, durationMs };
  }
}
