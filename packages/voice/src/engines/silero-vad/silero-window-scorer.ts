type OnnxRuntime = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<OnnxRuntime['InferenceSession']['create']>>;

/** The loaded model: what `createSileroVad` loads once and every scorer shares. */
export interface SileroModel {
  runtime: OnnxRuntime;
  session: Session;
}

export const sileroSampleRate = 16_000;
export const sileroWindowSamples = 512;
// Silero v5 needs the last 64 samples of the previous window in front of each new one (576 inputs);
// without them it answers ~0 everywhere.
export const sileroContextSamples = 64;

/**
 * Scores consecutive 512-sample windows, carrying the recurrent state and the 64-sample context from
 * one window to the next. Whole buffers and streams both go through it, so that they agree exactly.
 */
export interface SileroWindowScorer {
  /** Probability of the next window; a shorter `window` is padded with zeros (the end of the audio). */
  score(window: Float32Array): Promise<number>;
}

export function createSileroWindowScorer({ runtime, session }: SileroModel): SileroWindowScorer {
  const input = new Float32Array(sileroContextSamples + sileroWindowSamples);
  let state = new runtime.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  const rate = new runtime.Tensor('int64', BigInt64Array.from([BigInt(sileroSampleRate)]), []);
  return {
    async score(window) {
      // Slide: the tail of the previous input becomes this window's context.
      input.copyWithin(0, sileroWindowSamples, sileroWindowSamples + sileroContextSamples);
      input.set(window.subarray(0, sileroWindowSamples), sileroContextSamples);
      if (window.length < sileroWindowSamples) input.fill(0, sileroContextSamples + window.length);
      const result = await session.run({
        // A copy: onnxruntime may hold on to the buffer while `input` slides on.
        input: new runtime.Tensor('float32', input.slice(), [1, sileroContextSamples + sileroWindowSamples]),
        state,
        sr: rate,
      });
      state = result.stateN as typeof state;
      return (result.output?.data as Float32Array | undefined)?.[0] ?? 0;
    },
  };
}
