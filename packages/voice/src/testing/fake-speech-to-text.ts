import type { MonoAudio } from '../audio/pcm-audio.js';
import type { SpeechToText, TranscribeOptions, Transcription } from '../speech-to-text/speech-to-text.js';

export interface FakeSpeechToTextOptions {
  id?: string;
  /** The text every call returns, or a function of the audio and options. */
  transcript?: string | ((audio: MonoAudio, options: TranscribeOptions) => string);
}

export interface FakeSpeechToText extends SpeechToText {
  /** The options of every call, in order. */
  readonly calls: TranscribeOptions[];
}

/** A fake recogniser for unit tests: returns a scripted transcript as one segment spanning the audio. */
export function createFakeSpeechToText(options: FakeSpeechToTextOptions = {}): FakeSpeechToText {
  const calls: TranscribeOptions[] = [];
  return {
    id: options.id ?? 'fake',
    calls,
    languages: async () => [],
    async transcribe(audio, transcribeOptions = {}): Promise<Transcription> {
      calls.push(transcribeOptions);
      const text =
        typeof options.transcript === 'function'
          ? options.transcript(audio, transcribeOptions)
          : (options.transcript ?? transcribeOptions.phrases?.[0] ?? '');
      const duration = audio.samples.length / audio.sampleRate;
      return {
        text,
        segments: text ? [{ start: 0, end: duration, text }] : [],
        language: transcribeOptions.language ?? null,
        duration,
      };
    },
  };
}
