import type { MonoAudio } from '../audio/pcm-audio.js';

/**
 * Why a transcription came back with no text:
 * - `silence`: no sample reaches -60 dBFS (a thousandth of full scale): nothing to hear;
 * - `no_phrase_matched`: there was sound, but it matched none of the expected phrases;
 * - `nothing_recognised`: there was sound, and the recogniser made no words of it.
 */
export type NoMatchReason = 'silence' | 'no_phrase_matched' | 'nothing_recognised';

export interface NoMatch {
  reason: NoMatchReason;
  /** One sentence for a person. */
  message: string;
}

const silencePeak = 10 ** (-60 / 20);

/**
 * The explanation for an empty transcript, so that no caller mistakes "nothing heard" for a
 * transcript that happens to be empty. `phraseCount` is the length of the expected-phrase list,
 * or null when the recognition was free-form.
 */
export function noMatchFor(audio: MonoAudio, phraseCount: number | null): NoMatch {
  let peak = 0;
  for (const sample of audio.samples) peak = Math.max(peak, Math.abs(sample));
  if (peak < silencePeak) {
    return { reason: 'silence', message: 'no speech: the audio is silent (below -60 dBFS)' };
  }
  if (phraseCount !== null) {
    return {
      reason: 'no_phrase_matched',
      message: `no match: the speech matched none of the ${phraseCount} expected phrases`,
    };
  }
  return { reason: 'nothing_recognised', message: 'no match: no words were recognised in the audio' };
}
