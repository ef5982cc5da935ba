import { parseArgs } from 'node:util';
import { z } from 'zod';

export const workerOptionsSchema = z.object({
  model: z.string().min(1),
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535),
  /** The model id reported by /v1/models; the file's base name by default. */
  alias: z.string().optional(),
  threads: z.coerce.number().int().positive().max(256).default(1),
  contextSize: z.coerce.number().int().min(64).default(512),
  /** Parallel generations (context sequences). */
  parallel: z.coerce.number().int().positive().max(64).default(1),
  chatWrapper: z.enum(['general', 'chatml', 'llama2', 'llama3', 'auto']).default('general'),
  gpuLayers: z.coerce.number().int().nonnegative().default(0),
  embeddings: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  bodyLimitMb: z.coerce.number().positive().max(64).default(8),
});
export type WorkerOptions = z.output<typeof workerOptionsSchema>;

/** Reads `--model x --port n …` (kebab-case flags) into validated options. */
export function parseWorkerArguments(argv: readonly string[]): WorkerOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      model: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      alias: { type: 'string' },
      threads: { type: 'string' },
      'context-size': { type: 'string' },
      parallel: { type: 'string' },
      'chat-wrapper': { type: 'string' },
      'gpu-layers': { type: 'string' },
      embeddings: { type: 'string' },
      'body-limit-mb': { type: 'string' },
    },
    strict: true,
  });
  const result = workerOptionsSchema.safeParse({
    model: values.model,
    host: values.host,
    port: values.port,
    alias: values.alias,
    threads: values.threads,
    contextSize: values['context-size'],
    parallel: values.parallel,
    chatWrapper: values['chat-wrapper'],
    gpuLayers: values['gpu-layers'],
    embeddings: values.embeddings,
    bodyLimitMb: values['body-limit-mb'],
  });
  if (!result.success) {
    throw new Error(
      `invalid worker options: ${result.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return result.data;
}
