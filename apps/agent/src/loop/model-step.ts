import { jsonSchema, type ModelMessage, streamText, type ToolSet, tool } from 'ai';
import type { AgentTool } from '../tools/agent-tool.js';
import type { ModelObject } from './model-object.js';
import { type ModelTimeLimits, watchModelCall } from './model-time-limits.js';
import { toolJsonSchema } from './tool-arguments.js';

/** A tool call as the model wrote it, before our validation. */
export interface ModelToolCall {
  toolCallId: string;
  toolName: string;
  /** The parsed JSON, or the raw text when it was not JSON. */
  input: unknown;
}

export interface ModelStepResult {
  text: string;
  toolCalls: ModelToolCall[];
  durationMs: number;
}

/**
 * The tools as the AI SDK sees them: description and JSON Schema only. No `execute` (the loop runs
 * them, after its approval checks) and no validating schema (the loop validates, with one local
 * repair), so the SDK hands every call over as the model wrote it.
 */
export function declareTools(tools: readonly AgentTool[]): ToolSet {
  return Object.fromEntries(
    tools.map((agentTool) => [
      agentTool.name,
      tool({
        description: agentTool.description,
        inputSchema: jsonSchema(toolJsonSchema(agentTool) as Parameters<typeof jsonSchema>[0]),
      }),
    ]),
  );
}

/** The model could not be called or failed mid-answer (the gateway down, a 5xx, a broken stream). */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
}

/**
 * One model call (one step): yields text deltas as they arrive and returns the text and tool calls.
 * `maxRetries: 0`: a failing gateway is reported at once, the user decides whether to try again.
 */
export async function* streamModelStep(input: {
  model: ModelObject;
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  /** `required`: the step must call a tool (default `auto`). */
  toolChoice?: 'auto' | 'required';
  /** How long the call may stay silent, before its first part and between parts. */
  limits: ModelTimeLimits;
  signal?: AbortSignal;
}): AsyncGenerator<string, ModelStepResult> {
  const started = performance.now();
  const watch = watchModelCall(input.limits, input.signal);
  const result = streamText({
    model: input.model,
    system: input.system,
    messages: input.messages,
    tools: input.tools,
    toolChoice: input.toolChoice ?? 'auto',
    maxRetries: 0,
    // The failure comes back as the stream's `error` part and becomes an `error` event; the SDK's
    // default handler would also print it with its stack to stderr.
    onError: () => {},
    abortSignal: watch.signal,
  });
  let text = '';
  const toolCalls: ModelToolCall[] = [];
  try {
    for await (const part of result.fullStream) {
      // The SDK's own `start` part comes before any request is sent: it is not a sign of the model.
      if (part.type !== 'start') watch.touch();
      switch (part.type) {
        case 'text-delta':
          text += part.text;
          yield part.text;
          break;
        case 'tool-call':
          toolCalls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
          break;
        case 'error':
          throw new ModelCallError(part.error instanceof Error ? part.error.message : String(part.error));
        case 'abort':
          throw new DOMException('the turn was aborted', 'AbortError');
      }
    }
  } catch (error) {
    const timeout = watch.timeout();
    if (timeout && !input.signal?.aborted) throw timeout;
    if (input.signal?.aborted || error instanceof ModelCallError) throw error;
    throw new ModelCallError(error instanceof Error ? error.message : String(error));
  } finally {
    watch.clear();
  }
  return { text, toolCalls, durationMs: performance.now() - started };
}
