import { join } from 'node:path';
import type { MemoryDatabase } from '@klody/memory';
import { findExecutable } from '@klody/voice';
import { z } from 'zod';
import { createTrackLibrary } from './create-track-library.js';
import { gatewayEmbedderSource } from './library-embedder.js';
import type { TrackLibrary } from './track.js';
import { installedTrackTranscriber } from './track-transcriber.js';

/** The parts of VocalBrain's configuration the library reads. */
export interface TrackLibraryConfig {
  /** `$KLODY_HOME/vocalbrain`: the tracks' files go to its `library/` folder. */
  home: string;
  gatewayURL: string | null;
  gatewayAPIKey: string | null;
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

/**
 * VocalBrain's audio library as the server and the CLI use it: tracks under
 * `$KLODY_HOME/vocalbrain/library/`, their index in VocalBrain's database, the gateway's embedder
 * (`KLODY_EMBED_MODEL`, default `embed`) when it serves one, faster-whisper when installed.
 */
export function openTrackLibrary(
  config: TrackLibraryConfig,
  database: MemoryDatabase,
): Promise<TrackLibrary> {
  return createTrackLibrary({
    database,
    audioFolder: join(config.home, 'library'),
    embedders: gatewayEmbedderSource({
      gatewayURL: config.gatewayURL,
      apiKey: config.gatewayAPIKey,
      model: embedModel.parse(config.modelsEnvironment.KLODY_EMBED_MODEL),
      database,
    }),
    transcriber: installedTrackTranscriber(config.modelsEnvironment),
    ffmpeg: findExecutable(config.ffmpegExecutable),
  });
}
