// The registry: one declarative file (YAML or JSON) lists the workers; adding a worker touches no code.
// Times are seconds, memory GiB (CONTRACTS.md).
import { workerKindSchema } from '@klody/gateway-client/schemas';
import { z } from 'zod';
import { healthCheckField, preloadFields } from './health-check-schema.js';
import { requestFieldsSchema, requestParameterFields, variantSchema } from './request-parameters-schema.js';
import { checkRoutes, circuitBreakerSchema, routesSchema } from './routes-schema.js';
import { schedulerSchema, workerPrioritySchema } from './scheduler-schema.js';

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'use letters, digits, ".", "_" or "-" (it names files and metrics)');
const seconds = z.number().finite().positive();
const gib = z.number().finite().nonnegative();
const port = z.number().int().min(1).max(65_535);

/** Request fields injected when a request does not set them; any JSON value (request-parameters-schema.ts). */
export const requestDefaultsSchema = requestFieldsSchema;

/** The embedded node-llama-cpp worker: the gateway builds its command line. */
export const embeddedSchema = z
  .object({
    /** The GGUF file, relative to the registry file. */
    model: z.string().min(1),
    /** CPU threads. llama.cpp's default oversubscribes small machines (TOOLCHAIN.md): 1 unless you know better. */
    threads: z.number().int().positive().max(256).default(1),
    contextSize: z.number().int().min(64).max(1_048_576).default(512),
    /** Chat template: the tiny test models have none, so the default is explicit. */
    chatWrapper: z.enum(['general', 'chatml', 'llama2', 'llama3', 'auto']).default('general'),
    /** Layers on the GPU (Metal on a Mac); 0 on CPU-only builds. */
    gpuLayers: z.number().int().nonnegative().default(0),
    /** Serve /v1/embeddings too. */
    embeddings: z.boolean().default(true),
  })
  .strict();

const queueSchema = z
  .object({
    /** Requests that may wait for a slot; one more gets 429. */
    max: z.number().int().nonnegative().default(64),
    /** How long a request may wait for a slot before a 503. */
    timeoutSeconds: seconds.default(60),
  })
  .strict();

const commonWorker = {
  name,
  aliases: z.array(z.string().min(1)).default([]),
  kind: workerKindSchema.default('chat'),
  /** The model name sent upstream, when the worker knows the model by another name than the alias. */
  upstreamModel: z.string().min(1).optional(),
  /** Parallel requests the worker serves; more wait in the queue. */
  slots: z.number().int().positive().max(1024).default(1),
  queue: queueSchema.default({ max: 64, timeoutSeconds: 60 }),
  /** `set`, `strip` and `defaults`: request fields forced, removed, or added where the client set none. */
  ...requestParameterFields,
  /** More aliases of this same process, each with its own parameters (request-parameters-schema.ts). */
  variants: z.array(variantSchema).default([]),
  /** Time to answer headers for a relayed request (a long generation may stream for longer). */
  requestTimeoutSeconds: seconds.default(600),
  /** Swap-aware scheduling: the higher first among models waiting within the bound (scheduler-schema.ts). */
  priority: workerPrioritySchema,
  /**
   * The model's context length in tokens, as /v1/models reports it; without it, what the worker says
   * once ready (an embedded worker's is its `contextSize`).
   */
  contextLength: z.number().int().positive().optional(),
  ...healthCheckField,
};

export const managedWorkerSchema = z
  .object({
    ...commonWorker,
    /** An executable; `{port}`, `{model}` and `{configDir}` are replaced in args. Exclusive with `embedded`. */
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    embedded: embeddedSchema.optional(),
    port,
    healthPath: z.string().startsWith('/').default('/health'),
    /** Start-up deadline; a request that waits for the model to load counts toward it. */
    startTimeoutSeconds: seconds.default(120),
    /** Grace between SIGTERM and SIGKILL. */
    stopTimeoutSeconds: seconds.default(10),
    /** Prior for the scheduler until the worker's memory has been measured. */
    estimatedGb: gib,
    pinned: z.boolean().default(false),
    /** Stop the worker after this much idle time; none by default. */
    idleTtlSeconds: seconds.nullable().default(null),
    ...preloadFields,
  })
  .strict()
  .superRefine((worker, context) => {
    if ((worker.command === undefined) === (worker.embedded === undefined)) {
      context.addIssue({
        code: 'custom',
        message: 'a managed worker needs exactly one of "command" or "embedded" (or "url" for a remote one)',
        path: ['command'],
      });
    }
  });

export const remoteWorkerSchema = z
  .object({
    ...commonWorker,
    /** An OpenAI-compatible server the gateway routes to but never starts or stops. */
    url: z.url({ protocol: /^https?$/ }),
    /** Sent upstream as `Authorization: Bearer` (and `x-api-key` on /v1/messages); write `${env.NAME}`. */
    upstreamApiKey: z
      .string()
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it goes into a header)')
      .optional(),
    healthPath: z.string().startsWith('/').nullable().default(null),
  })
  .strict();

export const workerConfigSchema = z.union([remoteWorkerSchema, managedWorkerSchema]);

export const serverConfigSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: port.default(8090),
    /** A non-loopback bind also needs an API key. */
    allowNonLoopback: z.boolean().default(false),
    /** The name of the environment variable holding the bearer key (the key never sits in the file). */
    apiKeyEnv: z.string().default('KLODY_GATEWAY_API_KEY'),
    /** Extra host names accepted in the Host header (loopback names always are). */
    allowedHosts: z.array(z.string()).default([]),
    /** Origins allowed to call (a web page of ours); any other Origin is refused. */
    allowedOrigins: z.array(z.string()).default([]),
    bodyLimitMb: z.number().finite().positive().max(64).default(8),
    audioBodyLimitMb: z.number().finite().positive().max(64).default(64),
  })
  .strict();

export const registrySchema = z
  .object({
    /** Memory the workers may use together, GiB. */
    budgetGb: gib,
    server: serverConfigSchema.default(serverConfigSchema.parse({})),
    /** How often worker memory is measured. */
    measureIntervalSeconds: seconds.default(5),
    /** How requests for different models share the budget (scheduler-schema.ts). */
    scheduler: schedulerSchema,
    /**
     * The folder `pnpm klody-models install` filled (its manifest.json), relative to the registry file;
     * `{installed:<model>}` and `{installed:<model>:<program>}` resolve from it. KLODY_MODELS_DIR wins.
     */
    modelsFolder: z.string().min(1).optional(),
    workers: z.array(workerConfigSchema).min(1),
    /** Replicas and fallbacks: several workers behind one alias (routes-schema.ts). */
    routes: routesSchema,
    circuitBreaker: circuitBreakerSchema.default({ failureThreshold: 3, coolDownSeconds: 30 }),
  })
  .strict()
  .superRefine((registry, context) => {
    checkRoutes(registry, context);
    const names = new Map<string, number>();
    const aliases = new Map<string, string>();
    const ports = new Map<number, string>();
    registry.workers.forEach((worker, index) => {
      if (names.has(worker.name)) {
        context.addIssue({
          code: 'custom',
          message: `duplicate worker name "${worker.name}"`,
          path: ['workers', index, 'name'],
        });
      }
      names.set(worker.name, index);
      const variantAliases = worker.variants.map((variant) => variant.alias);
      for (const [aliasIndex, alias] of [worker.name, ...worker.aliases, ...variantAliases].entries()) {
        const owner = aliases.get(alias);
        const isVariant = aliasIndex > worker.aliases.length;
        // A worker may repeat its own name among its aliases, but a variant's alias is its own route.
        if (owner !== undefined && (owner !== worker.name || isVariant)) {
          context.addIssue({
            code: 'custom',
            message: `alias "${alias}" is already used by worker "${owner}"`,
            path: isVariant
              ? ['workers', index, 'variants', aliasIndex - worker.aliases.length - 1, 'alias']
              : ['workers', index, 'aliases', Math.max(0, aliasIndex - 1)],
          });
        }
        aliases.set(alias, worker.name);
      }
      if ('port' in worker) {
        const owner = ports.get(worker.port);
        if (owner !== undefined) {
          context.addIssue({
            code: 'custom',
            message: `port ${worker.port} is already used by worker "${owner}"`,
            path: ['workers', index, 'port'],
          });
        }
        ports.set(worker.port, worker.name);
      }
    });
  });

export type RegistryInput = z.input<typeof registrySchema>;
export type Registry = z.output<typeof registrySchema>;
export type WorkerConfig = z.output<typeof workerConfigSchema>;
export type ManagedWorkerConfig = z.output<typeof managedWorkerSchema>;
export type RemoteWorkerConfig = z.output<typeof remoteWorkerSchema>;
export type EmbeddedConfig = z.output<typeof embeddedSchema>;
export type RequestDefaults = z.output<typeof requestDefaultsSchema>;
export type ServerConfig = z.output<typeof serverConfigSchema>;

export function isRemote(worker: WorkerConfig): worker is RemoteWorkerConfig {
  return 'url' in worker;
}
