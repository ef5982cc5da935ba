import { createHash } from 'node:crypto';

/** What a tool is pinned by: what the model is told about it (name, description, arguments). */
export interface ToolDefinition {
  name: string;
  description?: string | undefined;
  inputSchema: unknown;
}

/**
 * sha256 (hex) of the canonical JSON of the tool's name, description and input schema: object keys
 * sorted, no whitespace, so that a server that only reorders its schema's keys keeps its hash, and one
 * that changes a word of a description does not. A missing description hashes like an empty one.
 */
export function toolDefinitionHash(definition: ToolDefinition): string {
  const text = canonicalJson({
    name: definition.name,
    description: definition.description ?? '',
    inputSchema: definition.inputSchema ?? null,
  });
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** JSON with object keys sorted at every depth; what JSON cannot write (undefined, functions) is dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
