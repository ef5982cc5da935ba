import type { SpeechToText, TextToSpeech } from '@klody/voice';

/** How natural an engine sounds, by its kind: formant (espeak-ng) low, neural (Piper) high. */
export type QualityClass = 'low' | 'medium' | 'high';

export const qualityClasses: readonly QualityClass[] = ['low', 'medium', 'high'];

/** A speech engine the app can run, with what the router needs to know about it besides its figures. */
export interface SpeechEngine {
  /** Engine id (CONTRACTS.md): `espeak-ng`, `espeak-ng-wasm`, `piper`, `openai:<alias>`. */
  id: string;
  textToSpeech: TextToSpeech;
  quality: QualityClass;
  /** Whether it can speak with a voice cloned from a reference recording (none of ours can yet). */
  canClone: boolean;
  /** Heavy engines (cloning, large models) reserve memory at the gateway before a long job. */
  heavy: boolean;
  /** Where it runs: in this app's processes, or behind the gateway's alias. */
  origin: 'local' | 'gateway';
}

/** A recognition engine, with the names a request may give it (`whisper-base` for faster-whisper). */
export interface TranscriptionEngine {
  id: string;
  speechToText: SpeechToText;
  /** Whether it aligns words (`timestamp_granularities[]=word`). */
  wordTimestamps: boolean;
  /** Other names that select it: the installed model's name. */
  names: string[];
  origin: 'local' | 'gateway';
}
