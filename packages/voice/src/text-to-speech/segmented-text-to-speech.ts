import { concatenateAudio } from '../audio/concatenate.js';
import type { MonoAudio } from '../audio/pcm-audio.js';
import { throwIfAborted, VoiceError } from '../errors/index.js';
import { segmentTextForSpeech, type TextSegment } from '../text/segment-text.js';
import type { SpeechChunk, SpeechVoice, SynthesizeOptions, TextToSpeech } from './text-to-speech.js';

/** What an engine supplies: how to check options once, and how to voice one segment. */
export interface SegmentSynthesizer<Prepared> {
  id: string;
  languages(): Promise<string[]>;
  voices(): Promise<SpeechVoice[]>;
  /** Validates and resolves the options (voice, language, rate) once per call, before any audio. */
  prepare(options: SynthesizeOptions): Promise<Prepared>;
  /** Voices one segment (already cut to a sentence or less). */
  synthesizeSegment(text: string, prepared: Prepared, signal: AbortSignal | undefined): Promise<MonoAudio>;
  /** The language `Intl.Segmenter` should use when the caller names none (from the voice, say). */
  segmentationLanguage?(prepared: Prepared): string | undefined;
}

/** Checks the options every engine shares, with messages that name the bad value. */
export function checkSynthesizeOptions(options: SynthesizeOptions): void {
  const { speed, pitch, pauseSeconds } = options;
  if (speed !== undefined && (!Number.isFinite(speed) || speed < 0.25 || speed > 4)) {
    throw new VoiceError('invalid_options', `speed must be between 0.25 and 4 (1 is normal), got ${speed}`);
  }
  if (pitch !== undefined && (!Number.isFinite(pitch) || pitch < 0 || pitch > 2)) {
    throw new VoiceError('invalid_options', `pitch must be between 0 and 2 (1 is normal), got ${pitch}`);
  }
  if (
    pauseSeconds !== undefined &&
    (!Number.isFinite(pauseSeconds) || pauseSeconds < 0 || pauseSeconds > 10)
  ) {
    throw new VoiceError('invalid_options', `pauseSeconds must be between 0 and 10, got ${pauseSeconds}`);
  }
}

/**
 * Turns a one-segment synthesiser into a `TextToSpeech`: the text is segmented (newlines, sentences,
 * cap) and each segment is synthesised only when the consumer pulls the next chunk, so the first
 * audio leaves before the second sentence is even started and a long text never becomes one
 * endless utterance.
 */
export function createSegmentedTextToSpeech<Prepared>(engine: SegmentSynthesizer<Prepared>): TextToSpeech {
  async function* stream(text: string, options: SynthesizeOptions = {}): AsyncGenerator<SpeechChunk> {
    checkSynthesizeOptions(options);
    const prepared = await engine.prepare(options);
    const language =
      options.segmentation?.language ?? options.language ?? engine.segmentationLanguage?.(prepared);
    const segments: TextSegment[] = segmentTextForSpeech(text, { ...options.segmentation, language });
    let index = 0;
    for (const segment of segments) {
      throwIfAborted(options.signal);
      const audio = await engine.synthesizeSegment(segment.text, prepared, options.signal);
      yield { ...audio, index, text: segment.text, start: segment.start, end: segment.end };
      index += 1;
    }
  }
  return {
    id: engine.id,
    languages: () => engine.languages(),
    voices: () => engine.voices(),
    stream,
    async synthesize(text, options = {}) {
      const chunks: MonoAudio[] = [];
      for await (const chunk of stream(text, options)) chunks.push(chunk);
      return concatenateAudio(chunks, { silenceSeconds: options.pauseSeconds ?? 0.1 });
    },
  };
}
