import { floatToPcm16, integratedLoudness, type MonoAudio, resample, type SpeechChunk } from '@klody/voice';

/** OpenAI's `pcm` is 24 kHz mono 16-bit little-endian; mp3 and opus are encoded from the same. */
export const openAiPcmSampleRate = 24_000;

/** The pause between two sentences of one answer (seconds), as the voice worker puts it. */
export const sentencePauseSeconds = 0.1;

/** Peak the loudness gain may never push a sample past (about -1 dBFS). */
const peakCeiling = 0.89;

/**
 * The answer's PCM, chunk by chunk: each sentence at the answer's sample rate, a short pause before
 * every sentence but the first, and (for a profile with a loudness target) one gain for the whole
 * answer, taken from the first sentence long enough to measure (a stream cannot wait for the end),
 * kept under a peak ceiling.
 */
export async function* speechPcm(
  chunks: AsyncIterable<SpeechChunk>,
  options: { sampleRate: number; loudnessLufs: number | null },
): AsyncGenerator<Uint8Array> {
  let gain: number | null = options.loudnessLufs === null ? 1 : null;
  let index = 0;
  for await (const chunk of chunks) {
    let samples =
      chunk.sampleRate === options.sampleRate
        ? chunk.samples
        : resample(chunk.samples, chunk.sampleRate, options.sampleRate);
    if (gain === null && options.loudnessLufs !== null) {
      const measured = integratedLoudness({ samples, sampleRate: options.sampleRate } satisfies MonoAudio);
      if (measured !== null) gain = 10 ** ((options.loudnessLufs - measured) / 20);
    }
    const applied = gain ?? 1;
    if (applied !== 1) {
      let peak = 0;
      for (const value of samples) peak = Math.max(peak, Math.abs(value));
      const safe = peak * applied > peakCeiling ? peakCeiling / peak : applied;
      samples = samples.map((value) => value * safe);
    }
    if (index > 0) yield new Uint8Array(Math.round(sentencePauseSeconds * options.sampleRate) * 2);
    yield floatToPcm16(samples);
    index += 1;
  }
}
