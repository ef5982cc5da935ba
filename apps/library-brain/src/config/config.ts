import { delimiter, isAbsolute, join, resolve } from 'node:path';
import {
  ConfigurationError,
  isLoopbackAddress,
  klodyHome,
  type LogLevel,
  optionalText,
  readEnvironment,
  readGatewayURL,
  readLogLevel,
} from '@klody/service';
import { z } from 'zod';

/** Library Brain's configuration, read from the environment (CONTRACTS.md names every variable). */
export interface LibraryBrainConfig {
  /** KLODY_LIBRARY_BRAIN_API_KEY: when set, /api/* asks `Authorization: Bearer <key>` (other local users and programs). */
  apiKey: string | null;
  /** `$KLODY_HOME/library-brain`: the app's own folder. */
  home: string;
  databasePath: string;
  /** The gateway's base URL without `/v1`, or null when `KLODY_GATEWAY_URL=none`. */
  gatewayURL: string | null;
  gatewayAPIKey: string | null;
  chatModel: string;
  embedModel: string;
  rerankModel: string;
  /** An in-process embedder id (`model2vec:<folder>`, `transformers:<folder>`) instead of the gateway's. */
  embedder: string | null;
  /** Folders `POST /api/ingest` may read from. */
  libraryRoots: string[];
  host: string;
  port: number;
  /** `KLODY_LOG_LEVEL`, validated by @klody/service (`info` by default). */
  logLevel: LogLevel;
  /**
   * Longest wait for a gateway call to start answering while a question is answered: the query's
   * embedding, the chat model's first token (`KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT`, seconds).
   */
  gatewayTimeoutMs: number;
  /** Longest silence between two tokens of a streamed answer (`…_GATEWAY_IDLE_TIMEOUT`, seconds). */
  gatewayIdleTimeoutMs: number;
  /** Longest wait for model discovery (`/v1/models`) and the embedder check (`…_GATEWAY_CHECK_TIMEOUT`). */
  gatewayCheckTimeoutMs: number;
  /** How long after a failure the gateway is asked again (`…_GATEWAY_RETRY`, seconds). */
  gatewayRetryMs: number;
  /** Most tokens a generated answer may have (`KLODY_LIBRARY_BRAIN_ANSWER_TOKENS`, max_tokens). */
  answerTokens: number;
  /** Most estimated tokens of the prompt: instructions, sources, question (`…_PROMPT_TOKENS`). */
  promptTokens: number;
  /** A folder `serve` keeps the library in sync with (`KLODY_LIBRARY_BRAIN_WATCH`); null for none. */
  watchFolder: string | null;
  /** Largest book the page may upload (`KLODY_LIBRARY_BRAIN_UPLOAD_LIMIT`, MiB; default 200). */
  uploadLimitBytes: number;
  /** Where books uploaded from the page are kept: `$KLODY_HOME/library-brain/uploads`. */
  uploadFolder: string;
}

/** A duration in seconds (fractions allowed), at most an hour; empty means the default. */
function seconds(options: { zero?: boolean } = {}) {
  const number = z.coerce.number<string>().max(3_600, 'must be at most 3600 seconds');
  return optionalText.pipe(
    (options.zero
      ? number.min(0, 'must be 0 or more seconds')
      : number.positive('must be more than 0 seconds')
    ).optional(),
  );
}

/** A token count between bounds; empty means the default. */
function tokens(least: number, most: number) {
  return optionalText.pipe(
    z.coerce
      .number<string>()
      .int('must be a whole number of tokens')
      .min(least, `must be at least ${least} tokens`)
      .max(most, `must be at most ${most} tokens`)
      .optional(),
  );
}

const environmentSchema = z.object({
  KLODY_HOME: optionalText,
  KLODY_GATEWAY_URL: optionalText,
  KLODY_GATEWAY_API_KEY: optionalText,
  KLODY_CHAT_MODEL: optionalText,
  KLODY_EMBED_MODEL: optionalText,
  KLODY_RERANK_MODEL: optionalText,
  KLODY_EMBEDDER: optionalText.refine(
    (value) => value === undefined || /^(model2vec|transformers|openai):.+/.test(value),
    'must be model2vec:<folder>, transformers:<folder> or openai:<alias>',
  ),
  KLODY_LIBRARY_ROOTS: optionalText,
  KLODY_LIBRARY_BRAIN_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  KLODY_LIBRARY_BRAIN_HOST: optionalText,
  KLODY_LIBRARY_BRAIN_API_KEY: optionalText,
  KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT: seconds(),
  KLODY_LIBRARY_BRAIN_GATEWAY_IDLE_TIMEOUT: seconds(),
  KLODY_LIBRARY_BRAIN_GATEWAY_CHECK_TIMEOUT: seconds(),
  KLODY_LIBRARY_BRAIN_GATEWAY_RETRY: seconds({ zero: true }),
  KLODY_LIBRARY_BRAIN_ANSWER_TOKENS: tokens(16, 8_192),
  KLODY_LIBRARY_BRAIN_PROMPT_TOKENS: tokens(256, 131_072),
  KLODY_LIBRARY_BRAIN_WATCH: optionalText,
  KLODY_LIBRARY_BRAIN_UPLOAD_LIMIT: optionalText.pipe(
    z.coerce
      .number<string>()
      .positive('must be more than 0 MiB')
      .max(10_240, 'must be at most 10240 MiB')
      .optional(),
  ),
});

/** Reads and validates the configuration; a bad value throws a ConfigurationError naming the variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): LibraryBrainConfig {
  const values = readEnvironment(environmentSchema, env);
  const home = klodyHome('library-brain', { KLODY_HOME: values.KLODY_HOME });
  const roots = (values.KLODY_LIBRARY_ROOTS ?? join(home, 'books'))
    .split(delimiter)
    .filter((root) => root.length > 0)
    .map((root) => resolve(root));
  for (const root of roots) {
    if (!isAbsolute(root)) throw new ConfigurationError(`KLODY_LIBRARY_ROOTS: "${root}" is not a path`);
  }
  const host = values.KLODY_LIBRARY_BRAIN_HOST ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) {
    // Library Brain has no authentication: it reads your files. It stays on loopback.
    throw new ConfigurationError(
      `KLODY_LIBRARY_BRAIN_HOST: "${host}" is not a loopback address; Library Brain only binds 127.0.0.1`,
    );
  }
  return {
    home,
    apiKey: values.KLODY_LIBRARY_BRAIN_API_KEY ?? null,
    databasePath: join(home, 'library.db'),
    gatewayURL: readGatewayURL(values.KLODY_GATEWAY_URL),
    gatewayAPIKey: values.KLODY_GATEWAY_API_KEY ?? null,
    chatModel: values.KLODY_CHAT_MODEL ?? 'brain',
    embedModel: values.KLODY_EMBED_MODEL ?? 'embed',
    rerankModel: values.KLODY_RERANK_MODEL ?? 'rerank',
    embedder: values.KLODY_EMBEDDER ?? null,
    libraryRoots: roots,
    host,
    port: values.KLODY_LIBRARY_BRAIN_PORT ?? 8765,
    logLevel: readLogLevel(env),
    gatewayTimeoutMs: (values.KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT ?? 60) * 1000,
    gatewayIdleTimeoutMs: (values.KLODY_LIBRARY_BRAIN_GATEWAY_IDLE_TIMEOUT ?? 30) * 1000,
    gatewayCheckTimeoutMs: (values.KLODY_LIBRARY_BRAIN_GATEWAY_CHECK_TIMEOUT ?? 5) * 1000,
    gatewayRetryMs: (values.KLODY_LIBRARY_BRAIN_GATEWAY_RETRY ?? 15) * 1000,
    answerTokens: values.KLODY_LIBRARY_BRAIN_ANSWER_TOKENS ?? 512,
    promptTokens: values.KLODY_LIBRARY_BRAIN_PROMPT_TOKENS ?? 3_000,
    watchFolder: values.KLODY_LIBRARY_BRAIN_WATCH ? resolve(values.KLODY_LIBRARY_BRAIN_WATCH) : null,
    uploadLimitBytes: Math.floor((values.KLODY_LIBRARY_BRAIN_UPLOAD_LIMIT ?? 200) * 1_048_576),
    uploadFolder: join(home, 'uploads'),
  };
}
