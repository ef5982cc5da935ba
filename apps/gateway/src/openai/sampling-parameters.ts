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

/** Finds the first non-finite number anywhere in a parsed JSON value, with its path. */
export function findNonFiniteNumber(value: unknown, path = ''): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path || '(root)';
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findNonFiniteNumber(value[index], `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const found = findNonFiniteNumber(child, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Checks a request body's numbers: a message naming the bad parameter, or null when all are sane.
 * Only top-level known parameters are range-checked; every number anywhere must be finite.
 */
export function checkRequestNumbers(body: Record<string, unknown>): string | null {
  const nonFinite = findNonFiniteNumber(body);
  if (nonFinite) return `${nonFinite} must be a finite number`;
  for (const [name, schema] of Object.entries(samplingParameterSchemas)) {
    if (!(name in body) || body[name] === null || body[name] === undefined) continue;
    const result = schema.safeParse(body[name]);
    if (!result.success) {
      return `${name} ${result.error.issues[0]?.message ?? 'is out of range'} (got ${JSON.stringify(body[name])})`;
    }
  }
  return null;
}
