import type { MonoAudio } from '../audio/pcm-audio.js';
import { VoiceError } from '../errors/index.js';
import { parseLanguage } from '../language/language-codes.js';
import { createSegmentedTextToSpeech } from '../text-to-speech/segmented-text-to-speech.js';
import type { SpeechVoice, TextToSpeech } from '../text-to-speech/text-to-speech.js';

export interface FakeTextToSpeechOptions {
  id?: string;
  sampleRate?: number;
  /** Seconds of audio per character of text (default 0.06, about espeak-ng's pace). */
  secondsPerCharacter?: number;
  voices?: SpeechVoice[];
}

export interface FakeTextToSpeech extends TextToSpeech {
  /** Every segment synthesised so far, in order. */
  readonly synthesized: string[];
}

/**
 * A fake for consumers' unit tests: "speaks" a 220 Hz tone whose length is proportional to the text,
 * validates voice and language like a real engine, and records each segment it synthesised.
 */
export function createFakeTextToSpeech(options: FakeTextToSpeechOptions = {}): FakeTextToSpeech {
  const sampleRate = options.sampleRate ?? 16_000;
  const secondsPerCharacter = options.secondsPerCharacter ?? 0.06;
  const voices: SpeechVoice[] = options.voices ?? [
    { id: 'fake-fr', name: 'Fake French', languages: ['fr'], gender: null },
    { id: 'fake-en', name: 'Fake English', languages: ['en'], gender: null },
  ];
  const synthesized: string[] = [];
  const engine = createSegmentedTextToSpeech<SpeechVoice>({
    id: options.id ?? 'fake',
    languages: async () => [...new Set(voices.flatMap((voice) => voice.languages))],
    voices: async () => voices,
    async prepare(request) {
      if (request.voice !== undefined) {
        const voice = voices.find((candidate) => candidate.id === request.voice);
        if (!voice)
          throw new VoiceError('unknown_voice', `unknown voice "${request.voice}" for the fake engine`);
        return voice;
      }
      const code = parseLanguage(request.language ?? voices[0]?.languages[0] ?? 'en').code;
      const voice = voices.find((candidate) =>
        candidate.languages.some((language) => language.startsWith(code)),
      );
      if (!voice)
        throw new VoiceError('unknown_language', `the fake engine has no voice for "${request.language}"`);
      return voice;
    },
    segmentationLanguage: (voice) => voice.languages[0],
    async synthesizeSegment(text, _voice, _signal): Promise<MonoAudio> {
      synthesized.push(text);
      const length = Math.round(text.length * secondsPerCharacter * sampleRate);
      const samples = Float32Array.from(
        { length },
        (_, index) => 0.3 * Math.sin((2 * Math.PI * 220 * index) / sampleRate),
      );
      return { samples, sampleRate };
    },
  });
  return Object.assign(engine, { synthesized });
}
