import { z } from 'zod';

/**
 * The shape every service's `GET /health` starts with (CONTRACTS.md): `ok`, or `degraded` with the
 * service still answering; each service adds its own fields.
 */
export const healthResponseSchema = z.looseObject({ status: z.enum(['ok', 'degraded']) });
export type HealthResponse = z.infer<typeof healthResponseSchema>;
