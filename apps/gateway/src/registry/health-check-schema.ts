// The registry fields of "preload and live health": whether a managed worker is loaded at start and
// kept loaded, and how often its health endpoint is probed while it serves (a hung worker — alive, but
// no longer answering — is killed and restarted, see src/workers/health-probes.ts).
import { z } from 'zod';

const seconds = z.number().finite().positive();

export const healthCheckDefaults = { intervalSeconds: 10, timeoutSeconds: 5, failures: 3 } as const;

/** The periodic probe of a ready worker's health endpoint; `null` disables it. */
export const healthCheckSchema = z
  .object({
    /** Time between two probes of one worker (a probe never overlaps the previous one). */
    intervalSeconds: seconds.default(healthCheckDefaults.intervalSeconds),
    /** How long one probe may wait for the answer. */
    timeoutSeconds: seconds.default(healthCheckDefaults.timeoutSeconds),
    /** Failed probes in a row that make a live process "hung": one slow probe is not enough. */
    failures: z.number().int().positive().max(1_000).default(healthCheckDefaults.failures),
  })
  .strict();

/** Spread into a worker's schema: `healthCheck`, on by default. */
export const healthCheckField = {
  healthCheck: healthCheckSchema.nullable().default({ ...healthCheckDefaults }),
};

/** Spread into the managed worker's schema: `preload` and `keepLoaded`, both off by default. */
export const preloadFields = {
  /** Load the worker when the gateway starts (through the memory budget, evictions included). */
  preload: z.boolean().default(false),
  /**
   * Load it again after an idle-TTL unload, an exit or a hang, once it fits without evicting another
   * worker (it never fights for memory); it is loaded at start too.
   */
  keepLoaded: z.boolean().default(false),
};

export type HealthCheckConfig = z.output<typeof healthCheckSchema>;
