// The job queue's settings, from the environment (each validated; a bad value names its variable).
import { ConfigurationError } from '@klody/service';
import { z } from 'zod';
import { defaultHeavyEngines } from '../reservation/heavy-engines.js';

export interface JobConfig {
  /** Jobs run at once (`KLODY_VOCALBRAIN_JOB_WORKERS`, default 1). */
  workers: number;
  /** Engines always heavy (`KLODY_VOCALBRAIN_HEAVY_ENGINES`, comma-separated `engine` or `engine/voice*`). */
  heavyEngines: string[];
  /** Measured memory that makes an engine heavy (`KLODY_VOCALBRAIN_HEAVY_THRESHOLD_GB`, default 1). */
  heavyThresholdGb: number;
  /** What a heavy engine never measured asks for (`KLODY_VOCALBRAIN_UNMEASURED_GB`, default 2). */
  unmeasuredGb: number;
  /** How long a heavy job waits for memory before it fails (`KLODY_VOCALBRAIN_MEMORY_WAIT_SECONDS`, default 600). */
  memoryWaitSeconds: number;
}

const optionalNumber = (schema: z.ZodNumber) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === undefined || value === '' ? undefined : Number(value)))
    .pipe(schema.optional());

const environmentSchema = z.object({
  KLODY_VOCALBRAIN_JOB_WORKERS: optionalNumber(z.number().int().min(1).max(16)),
  KLODY_VOCALBRAIN_HEAVY_ENGINES: z.string().optional(),
  KLODY_VOCALBRAIN_HEAVY_THRESHOLD_GB: optionalNumber(z.number().min(0).max(1_048_576)),
  KLODY_VOCALBRAIN_UNMEASURED_GB: optionalNumber(z.number().min(0).max(1_048_576)),
  KLODY_VOCALBRAIN_MEMORY_WAIT_SECONDS: optionalNumber(z.number().min(0).max(86_400)),
});

export function readJobConfig(env: NodeJS.ProcessEnv = process.env): JobConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigurationError(`${issue?.path.join('.') ?? 'environment'}: ${issue?.message ?? 'invalid'}`);
  }
  const values = parsed.data;
  const heavyEngines =
    values.KLODY_VOCALBRAIN_HEAVY_ENGINES === undefined
      ? [...defaultHeavyEngines]
      : values.KLODY_VOCALBRAIN_HEAVY_ENGINES.split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry.length > 0);
  return {
    workers: values.KLODY_VOCALBRAIN_JOB_WORKERS ?? 1,
    heavyEngines,
    heavyThresholdGb: values.KLODY_VOCALBRAIN_HEAVY_THRESHOLD_GB ?? 1,
    unmeasuredGb: values.KLODY_VOCALBRAIN_UNMEASURED_GB ?? 2,
    memoryWaitSeconds: values.KLODY_VOCALBRAIN_MEMORY_WAIT_SECONDS ?? 600,
  };
}
