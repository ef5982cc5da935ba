import { ServiceError } from '@klody/service';
import { unknownNameError } from '../voices/unknown-name.js';
import type { EngineSet } from './engine-set.js';
import type { TranscriptionEngine } from './speech-engine.js';

/**
 * The engine a transcription request names: its id (`faster-whisper`), one of its names
 * (`whisper-base`), a gateway alias (`stt` for `openai:stt`), or nothing / `auto` for the first one
 * here (faster-whisper when installed, else pocketsphinx, else the gateway's). None at all is a 503
 * that says what is missing; an unknown name is a 404 with near matches.
 */
export async function chooseTranscriptionEngine(
  engineSet: EngineSet,
  model: string | undefined,
): Promise<TranscriptionEngine> {
  const engines = await engineSet.transcriptionEngines();
  const wanted = model?.trim() || undefined;
  const automatic = wanted === undefined || wanted.toLowerCase() === 'auto';
  const engine = automatic
    ? engines[0]
    : engines.find(
        (candidate) =>
          candidate.id === wanted || candidate.names.includes(wanted) || candidate.id === `openai:${wanted}`,
      );
  if (engine) return engine;
  if (automatic) {
    throw new ServiceError(
      'engine_unavailable',
      503,
      `no transcription engine is available here: ${engineSet.notes.join('; ')}`,
    );
  }
  throw unknownNameError(
    'model',
    wanted,
    engines.flatMap((candidate) => [candidate.id, ...candidate.names]),
    ' for transcription',
  );
}
