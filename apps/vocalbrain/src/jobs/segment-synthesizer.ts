// How the queue turns one segment into audio: a function, so that the queue runs with any engine set
// (and counts calls in tests). The real one looks the engine up in the app's engine set.
import type { MonoAudio, TextToSpeech } from '@klody/voice';
import { VoiceError } from '@klody/voice';
import type { JobVoice } from './job.js';

/** Synthesizes one segment of text (a sentence or a few) with a job's voice. */
export type SegmentSynthesizer = (text: string, voice: JobVoice, signal: AbortSignal) => Promise<MonoAudio>;

/** The part of an engine the queue needs (V1's `SpeechEngine` has it). */
export interface JobEngine {
  id: string;
  textToSpeech: TextToSpeech;
  /** Marked heavy by the engine set (cloning, large models). */
  heavy: boolean;
}

export interface JobEngineSource {
  speechEngines(): Promise<JobEngine[]>;
}

/** Finds an engine by id, failing with the ids that exist. */
export async function findJobEngine(source: JobEngineSource, id: string): Promise<JobEngine> {
  const engines = await source.speechEngines();
  const engine = engines.find((candidate) => candidate.id === id);
  if (!engine) {
    throw new VoiceError(
      'engine_unavailable',
      `no speech engine "${id}" here (available: ${engines.map((candidate) => candidate.id).join(', ') || 'none'})`,
    );
  }
  return engine;
}

/** The engine's own `synthesize`, one call per segment. */
export function createEngineSynthesizer(source: JobEngineSource): SegmentSynthesizer {
  return async (text, voice, signal) => {
    const engine = await findJobEngine(source, voice.engine);
    const whole = Math.max(8, text.length);
    return engine.textToSpeech.synthesize(text, {
      ...(voice.voice ? { voice: voice.voice } : {}),
      ...(voice.language ? { language: voice.language } : {}),
      ...(voice.speed !== null ? { speed: voice.speed } : {}),
      ...(voice.pitch !== null ? { pitch: voice.pitch } : {}),
      // One engine run for the whole segment (several sentences): the queue has cut the text already.
      segmentation: { maxCharacters: whole, minCharacters: whole },
      signal,
    });
  };
}
