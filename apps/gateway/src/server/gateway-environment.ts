import { logLevels } from '@klody/service';
import { z } from 'zod';
import { GatewayError } from '../errors/index.js';

// The environment variables the gateway reads (CONTRACTS.md), validated like any other input.
const environmentSchema = z.object({
  KLODY_HOME: z.string().min(1).optional(),
  KLODY_GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  KLODY_LOG_LEVEL: z.enum(logLevels).optional(),
});
export type GatewayEnvironment = z.output<typeof environmentSchema>;

export function readGatewayEnvironment(environment: Record<string, string | undefined>): GatewayEnvironment {
  const present = Object.fromEntries(
    Object.keys(environmentSchema.shape).map((key) => [
      key,
      environment[key] === '' ? undefined : environment[key],
    ]),
  );
  const result = environmentSchema.safeParse(present);
  if (!result.success) {
    throw new GatewayError(
      'invalid_config',
      `bad environment: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return result.data;
}
