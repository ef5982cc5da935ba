// The tools of a forced call (`tool_choice: "required"` or a named function), documented for the
// model in a system message. A forced call is generated under a grammar that offers the tools' names
// only, and node-llama-cpp documents functions only for its own call syntax (`||call: name(...)` and
// the like), which the grammar's `{"name": …, "arguments": …}` contradicts: without this message a
// model chooses among bare names and cannot choose on meaning. The form is plain text, one tool per
// line and one parameter per indented line, the same for every model: short, and free of any
// template's call syntax.
import type { ChatHistoryItem } from 'node-llama-cpp';
import type { Tool } from './chat-request.js';
import { toGrammarSchema } from './tool-grammar.js';

type Schema = Record<string, unknown>;

/** A value's type in one line: `string`, `"celsius" | "fahrenheit"`, `array of integer`, `{a: string}`. */
function typeText(schema: Schema): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (Array.isArray(schema.oneOf)) return (schema.oneOf as Schema[]).map(typeText).join(' | ');
  if (schema.type === 'array') return `array of ${typeText((schema.items ?? {}) as Schema)}`;
  if (schema.type === 'object') {
    const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
    if (properties.length === 0) return 'object';
    return `{${properties.map(([key, value]) => `${key}: ${typeText(value)}`).join(', ')}}`;
  }
  return typeof schema.type === 'string' ? schema.type : 'any';
}

/**
 * Bounds the grammar enforces, stated so the model can plan within them (node-llama-cpp's advice for
 * string lengths: a model that does not know the bound gets cut off mid-word).
 */
function boundsText(schema: Schema): string | null {
  const range = (low: unknown, high: unknown, unit: string) => {
    if (typeof low === 'number' && typeof high === 'number') return `${low} to ${high} ${unit}`;
    if (typeof high === 'number') return `at most ${high} ${unit}`;
    if (typeof low === 'number') return `at least ${low} ${unit}`;
    return null;
  };
  if (schema.type === 'string') return range(schema.minLength, schema.maxLength, 'characters');
  if (schema.type === 'array') return range(schema.minItems, schema.maxItems, 'items');
  return null;
}

function parameterLine(name: string, schema: Schema): string {
  const bounds = boundsText(schema);
  const description = typeof schema.description === 'string' ? `: ${schema.description}` : '';
  return `  ${name} (${typeText(schema)}${bounds ? `, ${bounds}` : ''})${description}`;
}

function toolLines(tool: Tool): string[] {
  const { name, description } = tool.function;
  const parameters = toGrammarSchema(
    tool.function.parameters ?? { type: 'object', properties: {} },
  ) as unknown as Schema;
  const properties = Object.entries((parameters.properties ?? {}) as Record<string, Schema>);
  const heading = `${name}: ${description ?? '(no description)'}`;
  if (parameters.type !== 'object') return [heading, `  arguments (${typeText(parameters)})`];
  if (properties.length === 0) return [`${heading} (no arguments)`];
  return [heading, ...properties.map(([key, value]) => parameterLine(key, value))];
}

/** The system text that documents the tools a forced call chooses from. */
export function forcedToolCallDocumentation(tools: readonly Tool[]): string {
  return [
    'Answer with a call to one of these tools, as a JSON object {"name": <tool name>, "arguments": {<parameter>: <value>, …}}. Choose the tool whose description fits the request, and take the argument values from the request.',
    '',
    'Tools:',
    ...tools.flatMap(toolLines),
  ].join('\n');
}

/**
 * The history with the tools' documentation as a system message after the leading system messages
 * (where node-llama-cpp places its own function documentation), so the request's instructions come
 * first and the conversation follows.
 */
export function withForcedToolCallDocumentation(
  history: readonly ChatHistoryItem[],
  tools: readonly Tool[],
): ChatHistoryItem[] {
  const firstNonSystem = history.findIndex((item) => item.type !== 'system');
  const at = firstNonSystem === -1 ? history.length : firstNonSystem;
  return [
    ...history.slice(0, at),
    { type: 'system', text: forcedToolCallDocumentation(tools) },
    ...history.slice(at),
  ];
}
