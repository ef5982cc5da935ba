// The gateway's admin API, as zod schemas: the single source of truth. The gateway validates what it
// receives and what it answers with these; the client validates what it gets back. Shapes follow
// CONTRACTS.md ("Gateway admin API"): memory in GiB, times in seconds, unknown values are null.
import { z } from 'zod';

/** A finite number: JSON has no NaN/Infinity, and our answers never carry them. */
const finite = () => z.number().finite();

export const workerKindSchema = z.enum(['chat', 'embedding', 'rerank', 'tts', 'stt']);
export type WorkerKind = z.infer<typeof workerKindSchema>;

/**
 * A worker's lifecycle. `remote` entries are routed to but never managed; `survivor` is a process that
 * outlived SIGTERM and SIGKILL: its memory is still counted as used.
 */
export const workerStateSchema = z.enum([
  'stopped',
  'starting',
  'ready',
  'stopping',
  'failed',
  'survivor',
  'remote',
]);
export type WorkerState = z.infer<typeof workerStateSchema>;

export const workerStatusSchema = z.object({
  name: z.string(),
  aliases: z.array(z.string()),
  kind: workerKindSchema,
  state: workerStateSchema,
  pid: z.number().int().nullable(),
  /** Whether the gateway adopted this process at start-up instead of spawning it. */
  adopted: z.boolean(),
  pinned: z.boolean(),
  /** Requests holding a slot of this worker right now. */
  inflight: z.number().int().nonnegative(),
  /** Requests waiting for a slot. */
  queued: z.number().int().nonnegative(),
  slots: z.number().int().positive(),
  /** Unix time in seconds of the last request's end, or null if never used. */
  lastUsed: finite().nullable(),
  estimatedGb: finite(),
  /** Measured resident memory (PSS over the process tree, or the platform's footprint), null when unknown. */
  measuredGb: finite().nullable(),
  /**
   * What the scheduler counts for this worker now: its footprint while it runs (measured, else
   * estimated), the planned size of its next load while it is stopped. Null from gateways older than
   * this field.
   */
  scheduledGb: finite().nullable().default(null),
  url: z.string(),
  requests: z.number().int().nonnegative(),
  /** How many times the gateway started this worker. */
  starts: z.number().int().nonnegative(),
  /** Times the gateway found this worker hung (alive, its health check silent) and restarted it. 0 from older gateways. */
  hangs: z.number().int().nonnegative().default(0),
  lastError: z.string().nullable(),
  /**
   * The circuit breaker of a worker a route may try (absent for the others, and from gateways older
   * than this field): `open` sets the worker aside until `retryAt` (Unix seconds), `half-open` lets one
   * trial request through, whose success closes it. `failures` counts consecutive ones while closed.
   */
  circuit: z
    .object({
      state: z.enum(['closed', 'open', 'half-open']),
      failures: z.number().int().nonnegative(),
      opens: z.number().int().nonnegative(),
      retryAt: finite().nullable(),
    })
    .optional(),
});
export type WorkerStatus = z.infer<typeof workerStatusSchema>;

export const statusResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  budgetGb: finite(),
  /** Sum of the running workers' footprints (measured when known, estimated otherwise). */
  usedGb: finite(),
  /** The machine's measured available memory (Linux MemAvailable), null when it cannot be read. */
  availableGb: finite().nullable(),
  workers: z.array(workerStatusSchema),
});
export type StatusResponse = z.infer<typeof statusResponseSchema>;

export const modelRequestSchema = z.object({ model: z.string().min(1) }).strict();
export type ModelRequest = z.infer<typeof modelRequestSchema>;

export const ensureResponseSchema = z.object({
  model: z.string(),
  worker: z.string(),
  state: workerStateSchema,
  pid: z.number().int().nullable(),
  /** True when this call started the worker, false when it was already running. */
  started: z.boolean(),
  evicted: z.array(z.string()),
});
export type EnsureResponse = z.infer<typeof ensureResponseSchema>;

export const unloadResponseSchema = z.object({
  model: z.string(),
  worker: z.string(),
  /** True when a running worker was stopped by this call. */
  unloaded: z.boolean(),
  state: workerStateSchema,
});
export type UnloadResponse = z.infer<typeof unloadResponseSchema>;

export const reserveRequestSchema = z
  .object({ gb: finite().nonnegative().max(1_048_576, 'gb must be at most 1,048,576 GiB') })
  .strict();
export type ReserveRequest = z.infer<typeof reserveRequestSchema>;

/** CONTRACTS.md: `freeGb` is measured after eviction and `satisfied` is `freeGb >= gb`. */
export const reserveResponseSchema = z.object({
  satisfied: z.boolean(),
  freeGb: finite(),
  evicted: z.array(z.string()),
});
export type ReserveResponse = z.infer<typeof reserveResponseSchema>;

export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  workers: z.number().int().nonnegative(),
  ready: z.number().int().nonnegative(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** Every error our services produce (CONTRACTS.md). */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }).passthrough(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
