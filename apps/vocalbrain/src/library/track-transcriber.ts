import {
  createFasterWhisperSpeechToText,
  installedWhisperModel,
  type MonoAudio,
  type SpeechToText,
} from '@klody/voice';

/** What a transcriber heard in a track. */
export interface HeardWords {
  /** The words, or null when none were heard. */
  text: string | null;
  language: string | null;
  /** Which engine listened, or why nothing was transcribed: shown beside the track. */
  note: string;
}

/** Turns a track's audio into its words, so that a search finds a song by its lyrics too. */
export interface TrackTranscriber {
  transcribe(audio: MonoAudio): Promise<HeardWords>;
  close(): Promise<void>;
}

// Whisper base invents a few words in music without speech ("Thank you.", "♪"): a probability
// floor on the language and a minimum length keep those out of the searchable text.
const minimumLanguageProbability = 0.5;

/** A transcriber over any @klody/voice speech-to-text engine. */
export function createTrackTranscriber(
  engine: SpeechToText & { close?: () => Promise<void> },
): TrackTranscriber {
  return {
    async transcribe(audio) {
      const heard = await engine.transcribe(audio, { wordTimestamps: false });
      const text = heard.text.replace(/\s+/g, ' ').trim();
      const sure =
        heard.languageProbability === undefined || heard.languageProbability >= minimumLanguageProbability;
      if (text.replace(/[^\p{L}\p{N}]/gu, '').length < 2 || !sure)
        return { text: null, language: null, note: `${engine.id} heard no words` };
      return { text, language: heard.language, note: `words transcribed by ${engine.id}` };
    },
    async close() {
      await engine.close?.();
    },
  };
}

/**
 * faster-whisper with the Whisper model `pnpm klody-models install` put here, or null when none is
 * installed (then tracks are added without words, and say so).
 */
export function installedTrackTranscriber(env: NodeJS.ProcessEnv = process.env): TrackTranscriber | null {
  const whisper = installedWhisperModel({ env });
  if (!whisper) return null;
  const engine = createFasterWhisperSpeechToText({
    model: whisper.folder,
    python: whisper.python ?? undefined,
    threads: 1,
    beamSize: 1,
  });
  return createTrackTranscriber(engine);
}

export const noTranscriberNote =
  'no words: no transcriber is installed (pnpm klody-models install whisper-base adds faster-whisper)';
