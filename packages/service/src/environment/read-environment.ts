import { z } from 'zod';
import { ConfigurationError } from '../errors/configuration-error.js';

/** An environment variable's text, trimmed; empty or unset reads as unset (the default applies). */
export const optionalText = z
  .string()
  .trim()
  .transform((value) => (value.length === 0 ? undefined : value))
  .optional();

/**
 * The environment read through an app's zod schema; the first bad value throws a ConfigurationError
 * naming the variable (`KLODY_AGENT_PORT: must be a port between 1 and 65535`), which the CLIs turn
 * into exit 2.
 */
export function readEnvironment<T>(schema: z.ZodType<T>, environment: NodeJS.ProcessEnv): T {
  const parsed = schema.safeParse(environment);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigurationError(`${issue?.path.join('.') || 'environment'}: ${issue?.message ?? 'invalid'}`);
}
