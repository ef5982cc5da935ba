// OpenAI tool definitions → the JSON schemas node-llama-cpp turns into grammars. Tool parameters are
// arbitrary JSON Schema; the grammar compiler knows a subset, so keywords it does not know are dropped
// (the output still has the declared shape) and `anyOf` becomes `oneOf`.
import type { GbnfJsonSchema } from 'node-llama-cpp';
import type { Tool } from './chat-request.js';

const basicTypes = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);

/**
 * The largest length or item bound written into a grammar. A bound becomes a bounded repetition
 * (`char{1,2000}`), and llama.cpp refuses to parse a grammar whose repetitions, multiplied by the rules
 * they repeat, pass its own limit ("exceeds sane defaults"): a tool whose `maxLength` was 2,000 failed
 * every forced call. Larger bounds are left out (an unbounded repetition): a call never comes near
 * them within max_tokens, and the caller validates the arguments against its own schema anyway.
 */
export const grammarBoundLimit = 256;

function copyBound(source: Record<string, unknown>, out: Record<string, unknown>, key: string): void {
  const value = source[key];
  if (typeof value === 'number' && value <= grammarBoundLimit) out[key] = value;
}

export function toGrammarSchema(schema: unknown): GbnfJsonSchema {
  if (schema === true || schema === undefined || schema === null || typeof schema !== 'object') {
    return { type: ['string', 'number', 'boolean', 'null'] } as unknown as GbnfJsonSchema;
  }
  const source = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // Descriptions do not change the grammar; they are kept for the forced call's documentation.
  if (typeof source.description === 'string') out.description = source.description;
  if ('const' in source) return { ...out, const: source.const as string } as GbnfJsonSchema;
  if (Array.isArray(source.enum)) return { ...out, enum: source.enum } as GbnfJsonSchema;
  const union = (source.oneOf ?? source.anyOf) as unknown[] | undefined;
  if (Array.isArray(union)) return { ...out, oneOf: union.map(toGrammarSchema) } as GbnfJsonSchema;
  let type = source.type;
  if (Array.isArray(type)) {
    return {
      oneOf: type
        .filter((item) => basicTypes.has(String(item)))
        .map((item) => toGrammarSchema({ ...source, type: item })),
    } as GbnfJsonSchema;
  }
  if (type === undefined) type = source.properties ? 'object' : source.items ? 'array' : undefined;
  if (type === undefined) return toGrammarSchema(true);
  out.type = type;
  if (type === 'object') {
    // node-llama-cpp's grammar writes every property it is given, `required` or not, so a model forced
    // through it had to invent a value for each optional argument (Gemma wrote `"limit": 10000` for a
    // limit of at most 10). When the schema says which are required, only those are in the grammar:
    // an optional argument is left to the tool's default. Without `required`, all of them stay.
    const properties = (source.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(source.required)
      ? source.required.filter((key): key is string => typeof key === 'string' && key in properties)
      : null;
    const written = Object.entries(properties).filter(([key]) => required === null || required.includes(key));
    out.properties = Object.fromEntries(written.map(([key, value]) => [key, toGrammarSchema(value)]));
    out.required = written.map(([key]) => key);
    if (written.length === 0) out.additionalProperties = false;
  } else if (type === 'array') {
    out.items = toGrammarSchema(source.items);
    copyBound(source, out, 'minItems');
    copyBound(source, out, 'maxItems');
  } else if (type === 'string') {
    copyBound(source, out, 'minLength');
    copyBound(source, out, 'maxLength');
  }
  return out as GbnfJsonSchema;
}

/** The forced-call schema: `{"name": <one of the tools>, "arguments": <that tool's parameters>}`. */
export function forcedToolCallSchema(tools: readonly Tool[]): GbnfJsonSchema {
  const options = tools.map((tool) => ({
    type: 'object',
    properties: {
      name: { const: tool.function.name },
      arguments: toGrammarSchema(tool.function.parameters ?? { type: 'object', properties: {} }),
    },
    required: ['name', 'arguments'],
  }));
  return (options.length === 1 ? options[0] : { oneOf: options }) as unknown as GbnfJsonSchema;
}
