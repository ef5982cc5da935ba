// Numeric request parameters of the OpenAI API with the ranges a sane client sends. The gateway
// rejects anything else with 400 before it reaches a worker: NaN, ±Infinity (JSON's `1e999` parses
// to Infinity) and absurd values (a temperature of 1e6, a negative max_tokens).
import { z } from 'zod';

const finite = () => z.number().finite('must be a finite number');

export const samplingParameterSchemas = {
  temperature: finite().min(0).max(2),
  top_p: finite().min(0).max(1),
  top_k: z.number().int().min(0).max(100_000),
  min_p: finite().min(0).max(1),
  max_tokens: z.number().int().min(1).max(1_048_576),
  max_completion_tokens: z.number().int().min(1).max(1_048_576),
  n: z.number().int().min(1).max(16),
  presence_penalty: finite().min(-2).max(2),
  frequency_penalty: finite().min(-2).max(2),
  repeat_penalty: finite().min(0).max(10),
  seed: z
    .number()
    .int()
    .min(-(2 ** 53))
    .max(2 ** 53),
  top_logprobs: z.number().int().min(0).max(20),
  dimensions: z.number().int().min(1).max(65_536),
  speed: finite().min(0.25).max(4),
  top_n: z.number().int().min(1).max(100_000),
} as const;

export type SamplingParameter = keyof typeof samplingParameterSchemas;

const samplingParameterEntries = Object.entries(samplingParameterSchemas);

/** How deep a request's JSON may nest: far beyond any real request (tool schemas included). */
export const maxJsonDepth = 128;

/**
 * Finds the first non-finite number anywhere in a parsed JSON value, with its path, or says the value
 * nests deeper than `maxDepth`. The walks keep their own stack: a recursive one overflows Node's stack
 * on a 10 KB body nested a few thousand levels deep, which became an opaque 500.
 */
export function findNonFiniteNumber(value: unknown, maxDepth = maxJsonDepth): string | null {
  return hasNonFiniteNumber(value, maxDepth) ? describeFirstProblem(value, maxDepth) : null;
}

/**
 * Whether `findNonFiniteNumber` has something to say, checked without naming paths. Every request
 * passes here and almost none has a problem: building each value's path cost twice JSON.parse's time
 * on a 22 KB chat request; this walk costs a fraction of it.
 */
function hasNonFiniteNumber(value: unknown, maxDepth: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop() as number;
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return true;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      // Strings, booleans and null have nothing to check: only numbers and containers are pushed.
      if (typeof child === 'number' || (typeof child === 'object' && child !== null)) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** The first problem in document order, with its path (only run when there is one). */
function describeFirstProblem(value: unknown, maxDepth: number): string | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string; depth: number };
    const current = item.value;
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return `${item.path || '(root)'} must be a finite number`;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (item.depth >= maxDepth) return `the JSON body nests deeper than ${maxDepth} levels`;
    // Children are pushed in reverse so that the first bad number in document order is reported.
    const entries = Array.isArray(current)
      ? current.map((child, index) => [`${item.path}[${index}]`, child] as const)
      : Object.entries(current).map(
          ([key, child]) => [item.path ? `${item.path}.${key}` : key, child] as const,
        );
    for (let index = entries.length - 1; index >= 0; index--) {
      const [path, child] = entries[index] as readonly [string, unknown];
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return null;
}

/**
 * Checks a request body's numbers: a message naming the bad parameter, or null when all are sane.
 * Only top-level known parameters are range-checked; every number anywhere must be finite.
 */
export function checkRequestNumbers(body: Record<string, unknown>): string | null {
  const problem = findNonFiniteNumber(body);
  if (problem) return problem;
  for (const [name, schema] of samplingParameterEntries) {
    if (!(name in body) || body[name] === null || body[name] === undefined) continue;
    const result = schema.safeParse(body[name]);
    if (!result.success) {
      return `${name} ${result.error.issues[0]?.message ?? 'is out of range'} (got ${JSON.stringify(body[name])})`;
    }
  }
  return null;
}
