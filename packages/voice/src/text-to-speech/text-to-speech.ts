import type { MonoAudio } from '../audio/pcm-audio.js';
import type { SegmentTextOptions } from '../text/segment-text.js';

/** A voice an engine offers. */
export interface SpeechVoice {
  /** What to pass as `voice` (e.g. `fr`, `en-us+f3`, a Piper model name). */
  id: string;
  /** A human name (e.g. `French (France)`). */
  name: string;
  /** BCP-47-style language tags it speaks, most specific first (e.g. `['fr-fr', 'fr']`). */
  languages: string[];
  gender: 'female' | 'male' | null;
}

export interface SynthesizeOptions {
  /** A language tag (`fr`, `en-US`); the engine picks its default voice for it. */
  language?: string;
  /** A voice id from `voices()`; wins over `language`. */
  voice?: string;
  /** Relative speaking rate, 1 is the engine's normal pace (OpenAI's `speed`, 0.25–4). */
  speed?: number;
  /** Relative pitch, 1 is the voice's normal pitch (0–2). Engines without pitch control ignore it. */
  pitch?: number;
  /** How the text is cut before synthesis (newlines first, then sentences, capped and merged). */
  segmentation?: SegmentTextOptions;
  /**
   * Segments `stream` synthesises ahead while the consumer handles the current chunk (default 0:
   * strictly on demand). Never before the first chunk is ready. 1 hides a slow engine's latency
   * between sentences.
   */
  prefetch?: number;
  /** Silence between segments in `synthesize` (seconds); `stream` leaves the gaps to the player. */
  pauseSeconds?: number;
  signal?: AbortSignal;
}

/** One piece of a stream: the audio of one text segment. */
export interface SpeechChunk extends MonoAudio {
  /** 0-based position in the stream. */
  index: number;
  /** The text this chunk voices, and its UTF-16 offsets in the input. */
  text: string;
  start: number;
  end: number;
}

/** Text to speech. `stream` yields the first chunk before the rest of the text is synthesised. */
export interface TextToSpeech {
  /** Engine id (CONTRACTS.md): `espeak-ng`, `espeak-ng-wasm`, `piper`, `openai:<alias>`… */
  readonly id: string;
  /** Language tags the engine can speak. */
  languages(): Promise<string[]>;
  voices(): Promise<SpeechVoice[]>;
  /** The whole text as one buffer (segments joined with short pauses). */
  synthesize(text: string, options?: SynthesizeOptions): Promise<MonoAudio>;
  /** One chunk per segment, each synthesised only when the consumer asks for it. */
  stream(text: string, options?: SynthesizeOptions): AsyncIterable<SpeechChunk>;
}
