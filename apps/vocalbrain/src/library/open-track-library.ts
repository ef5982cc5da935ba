import { join } from 'node:path';
import type { MemoryDatabase } from '@klody/memory';
import { ConfigurationError } from '@klody/service';
import { findExecutable } from '@klody/voice';
import { z } from 'zod';
import { createTrackLibrary } from './create-track-library.js';
import { type EmbedderSource, gatewayEmbedderSource, inProcessEmbedderSource } from './library-embedder.js';
import type { TrackLibrary } from './track.js';
import { installedTrackTranscriber } from './track-transcriber.js';

/** The parts of VocalBrain's configuration the library reads. */
export interface TrackLibraryConfig {
  /** `$KLODY_HOME/vocalbrain`: the tracks' files go to its `library/` folder. */
  home: string;
  gatewayURL: string | null;
  gatewayAPIKey: string | null;
  /** Longest wait for one embedding request at the gateway (ms). */
  gatewayTimeoutMs?: number;
  /** The ffmpeg program for non-WAV uploads (a name on PATH or a path). */
  ffmpegExecutable: string;
  /** The environment: `KLODY_EMBED_MODEL` and the models folder (`KLODY_MODELS_DIR`). */
  modelsEnvironment: NodeJS.ProcessEnv;
}

const embedModel = z
  .string()
  .trim()
  .min(1, 'KLODY_EMBED_MODEL is empty')
  .optional()
  .transform((value) => value ?? 'embed');

const embedderId = z
  .string()
  .trim()
  .regex(
    /^(openai|transformers|model2vec):.+$/,
    'KLODY_EMBEDDER must be openai:<alias>, transformers:<folder> or model2vec:<folder>',
  )
  .optional();

/**
 * `KLODY_EMBEDDER` when set (CONTRACTS.md: an in-process embedder, or `openai:<alias>` at the
 * gateway), else the gateway's `KLODY_EMBED_MODEL` alias.
 */
export function libraryEmbedderSource(config: TrackLibraryConfig, database: MemoryDatabase): EmbedderSource {
  const id = valid(embedderId, config.modelsEnvironment.KLODY_EMBEDDER?.trim() || undefined);
  if (id && !id.startsWith('openai:')) return inProcessEmbedderSource(id, database);
  return gatewayEmbedderSource({
    gatewayURL: config.gatewayURL,
    apiKey: config.gatewayAPIKey,
    ...(config.gatewayTimeoutMs ? { timeoutMs: config.gatewayTimeoutMs } : {}),
    model: id ? id.slice('openai:'.length) : valid(embedModel, config.modelsEnvironment.KLODY_EMBED_MODEL),
    database,
  });
}

/** A bad variable is a configuration error (exit 2, one line naming it), as readConfig's are. */
function valid<T>(schema: z.ZodType<T, unknown>, value: string | undefined): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new ConfigurationError(parsed.error.issues[0]?.message ?? 'invalid configuration');
  return parsed.data;
}

/**
 * VocalBrain's audio library as the server and the CLI use it: tracks under
 * `$KLODY_HOME/vocalbrain/library/`, their index in VocalBrain's database, the gateway's embedder
 * (`KLODY_EMBED_MODEL`, default `embed`) when it serves one or `KLODY_EMBEDDER`, faster-whisper when
 * installed.
 */
export function openTrackLibrary(
  config: TrackLibraryConfig,
  database: MemoryDatabase,
): Promise<TrackLibrary> {
  return createTrackLibrary({
    database,
    audioFolder: join(config.home, 'library'),
    embedders: libraryEmbedderSource(config, database),
    transcriber: installedTrackTranscriber(config.modelsEnvironment),
    ffmpeg: findExecutable(config.ffmpegExecutable),
  });
}
