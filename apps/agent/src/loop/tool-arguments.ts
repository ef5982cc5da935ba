import { z } from 'zod';
import type { AgentTool } from '../tools/agent-tool.js';
import { coerceArguments } from './coerce-arguments.js';
import { repairJsonText } from './repair-json-text.js';

export type ParsedArguments =
  | { ok: true; value: unknown; repaired: boolean }
  | { ok: false; error: string; value: unknown };

/** The JSON Schema a tool shows the model, and that the local repair reads to coerce scalars. */
export function toolJsonSchema(tool: AgentTool): Record<string, unknown> {
  if (tool.jsonSchema) {
    const { $schema: _ignored, ...rest } = tool.jsonSchema;
    return rest;
  }
  const schema = z.toJSONSchema(tool.inputSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/**
 * Validates a call's arguments against the tool's schema, with one local repair when they do not pass:
 * JSON slips fixed (`repairJsonText`), scalar strings coerced where the schema wants numbers or
 * booleans. `input` is what the AI SDK parsed, or the raw text when it was not JSON.
 */
export function parseToolArguments(tool: AgentTool, input: unknown): ParsedArguments {
  const direct = tool.inputSchema.safeParse(input ?? {});
  if (direct.success) return { ok: true, value: direct.data, repaired: false };
  let candidate: unknown = input;
  if (typeof candidate === 'string') {
    const repaired = repairJsonText(candidate);
    if (repaired === null) {
      return { ok: false, error: `the arguments are not JSON: ${excerpt(candidate)}`, value: input };
    }
    candidate = repaired;
  }
  candidate = coerceArguments(candidate, toolJsonSchema(tool));
  const second = tool.inputSchema.safeParse(candidate);
  if (second.success) return { ok: true, value: second.data, repaired: true };
  return { ok: false, error: z.prettifyError(second.error), value: input };
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
