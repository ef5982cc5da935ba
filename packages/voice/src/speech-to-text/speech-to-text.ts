import type { MonoAudio } from '../audio/pcm-audio.js';
import type { NoMatch } from './no-match.js';

export interface TranscriptSegment {
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
  text: string;
}

/** One recognised word with its time span, from engines that align words (faster-whisper). */
export interface TranscriptWord {
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
  word: string;
  /** The engine's confidence in the word (0–1), when it gives one. */
  probability?: number;
}

export interface Transcription {
  text: string;
  segments: TranscriptSegment[];
  /** The language heard or assumed, when the engine says; else null. */
  language: string | null;
  /**
   * How sure the engine is of `language` (0–1) when it detected it; 1 when the caller named the
   * language; absent when the engine does not say.
   */
  languageProbability?: number;
  /** Word time spans, when asked for with `wordTimestamps` and the engine aligns words. */
  words?: TranscriptWord[];
  /** Seconds of audio transcribed. */
  duration: number;
  /**
   * Why `text` is empty, from engines that can tell (pocketsphinx): silence, or speech that
   * matched none of the expected phrases. Absent or null when there is text.
   */
  noMatch?: NoMatch | null;
}

export interface TranscribeOptions {
  /** Language tag of the speech (`en`, `fr`). */
  language?: string;
  /**
   * Expected phrases: engines that support it restrict recognition to exactly these (a grammar);
   * others pass them as a prompt/hint.
   */
  phrases?: readonly string[];
  /** Free-text context for engines that take a prompt (whisper). */
  prompt?: string;
  /** Ask for word time spans (`Transcription.words`); engines that cannot align words ignore it. */
  wordTimestamps?: boolean;
  signal?: AbortSignal;
}

/** Speech to text. Audio of any sample rate; engines resample to what they need. */
export interface SpeechToText {
  readonly id: string;
  /** Language tags the engine can recognise (an empty list means "whatever its model knows"). */
  languages(): Promise<string[]>;
  transcribe(audio: MonoAudio, options?: TranscribeOptions): Promise<Transcription>;
}
