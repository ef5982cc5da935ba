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
  if (
    options.prefetch !== undefined &&
    (!Number.isInteger(options.prefetch) || options.prefetch < 0 || options.prefetch > 8)
  ) {
    throw new VoiceError(
      'invalid_options',
      `prefetch must be an integer between 0 and 8, got ${options.prefetch}`,
    );
  }
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
 * cap) and each segment is synthesised only when the consumer pulls the next chunk (or `prefetch`
 * segments ahead once a chunk is ready), so the first
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
    const prefetch = options.prefetch ?? 0;
    // Our own controller, so that a consumer who stops early also stops the segments started ahead.
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const pending: Promise<MonoAudio>[] = [];
    let started = 0;
    const startNext = () => {
      const segment = segments[started] as TextSegment;
      started += 1;
      const synthesis = engine.synthesizeSegment(segment.text, prepared, controller.signal);
      synthesis.catch(() => {}); // observed when its turn comes; never an unhandled rejection meanwhile
      pending.push(synthesis);
    };
    try {
      for (let index = 0; index < segments.length; index += 1) {
        throwIfAborted(options.signal);
        if (pending.length === 0) startNext();
        const audio = await (pending.shift() as Promise<MonoAudio>);
        // Only once a chunk is ready do the next segments start, so the first audio never waits for them.
        while (started < segments.length && pending.length < prefetch) startNext();
        const segment = segments[index] as TextSegment;
        yield { ...audio, index, text: segment.text, start: segment.start, end: segment.end };
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (pending.length > 0) controller.abort(new Error('the consumer stopped reading the stream'));
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
