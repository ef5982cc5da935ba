import { createStreamingResampler, floatToPcm16, integratedLoudness, type SpeechChunk } from '@klody/voice';

/** OpenAI's `pcm` is 24 kHz mono 16-bit little-endian; mp3 and opus are encoded from the same. */
export const openAiPcmSampleRate = 24_000;

/** The pause between two sentences of one answer (seconds), as the voice worker puts it. */
export const sentencePauseSeconds = 0.1;

/**
 * A sentence at another rate is resampled and sent this much at a time (seconds of its audio, about
 * 2.5 ms of work each): the first block leaves at once instead of after the whole sentence (some 25 ms
 * of work per second of audio).
 */
export const resampleBlockSeconds = 0.1;

/** Peak the loudness gain may never push a sample past (about -1 dBFS). */
const peakCeiling = 0.89;

/** Lets the server's other work (other answers, a client gone) run between two blocks. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function scaled(samples: Float32Array, factor: number): Float32Array {
  return factor === 1 ? samples : samples.map((value) => value * factor);
}

/**
 * The answer's PCM, chunk by chunk: each sentence at the answer's sample rate (resampled block by
 * block, the first block sent as soon as it is ready), a short pause before every sentence but the
 * first, and (for a profile with a loudness target) one gain for the whole answer, taken from the
 * first sentence long enough to measure (a stream cannot wait for the end), kept under a peak
 * ceiling. Loudness and peak are measured on the sentence as the engine gave it: resampling keeps
 * the loudness, and moves the peak by a fraction of a dB, well inside the 1 dB left under full scale.
 */
export async function* speechPcm(
  chunks: AsyncIterable<SpeechChunk>,
  options: { sampleRate: number; loudnessLufs: number | null },
): AsyncGenerator<Uint8Array> {
  let gain: number | null = options.loudnessLufs === null ? 1 : null;
  let index = 0;
  for await (const chunk of chunks) {
    if (gain === null && options.loudnessLufs !== null) {
      const measured = integratedLoudness({ samples: chunk.samples, sampleRate: chunk.sampleRate });
      if (measured !== null) gain = 10 ** ((options.loudnessLufs - measured) / 20);
    }
    const applied = gain ?? 1;
    let factor = applied;
    if (applied !== 1) {
      let peak = 0;
      for (const value of chunk.samples) peak = Math.max(peak, Math.abs(value));
      factor = peak * applied > peakCeiling ? peakCeiling / peak : applied;
    }
    if (index > 0) yield new Uint8Array(Math.round(sentencePauseSeconds * options.sampleRate) * 2);
    index += 1;
    if (chunk.sampleRate === options.sampleRate) {
      yield floatToPcm16(scaled(chunk.samples, factor));
      continue;
    }
    const resampler = createStreamingResampler(chunk.sampleRate, options.sampleRate);
    const blockLength = Math.max(1, Math.round(resampleBlockSeconds * chunk.sampleRate));
    for (let offset = 0; offset < chunk.samples.length; offset += blockLength) {
      if (offset > 0) await nextTurn();
      const block = resampler.push(chunk.samples.subarray(offset, offset + blockLength));
      if (block.length > 0) yield floatToPcm16(scaled(block, factor));
    }
    const rest = resampler.end();
    if (rest.length > 0) yield floatToPcm16(scaled(rest, factor));
  }
}
