import type { VoiceActivityStream } from '../../voice-activity/voice-activity-stream.js';
import {
  createSileroWindowScorer,
  type SileroModel,
  type SileroWindowScorer,
  sileroSampleRate,
  sileroWindowSamples,
} from './silero-window-scorer.js';

/** Silero VAD over 16 kHz mono frames of any length (see `SileroVad.createStream`). */
export interface SileroStream extends VoiceActivityStream {
  readonly sampleRate: 16_000;
  readonly windowSamples: 512;
}

/**
 * A stream over the model that `load` gives (loaded on the first push, shared with the VAD). Pushes
 * run one after another, whatever the caller does, since each window depends on the previous one.
 */
export function createSileroStream(load: () => Promise<SileroModel>): SileroStream {
  let scorer: SileroWindowScorer | null = null;
  let scorerModel: SileroModel | null = null;
  // Samples after the last complete window, at most 511.
  let remainder = new Float32Array(0);
  // Bumped by reset(): a push that started before it must not touch the new stream's state.
  let generation = 0;
  let queue: Promise<unknown> = Promise.resolve();

  async function run(pcm: Float32Array, started: number): Promise<Float32Array> {
    const model = await load();
    if (started !== generation) return new Float32Array(0);
    // A VAD closed and loaded again gives a new session: the old state goes with the old one.
    if (scorer === null || scorerModel !== model) {
      scorer = createSileroWindowScorer(model);
      scorerModel = model;
    }
    const current = scorer;
    const audio = new Float32Array(remainder.length + pcm.length);
    audio.set(remainder);
    audio.set(pcm, remainder.length);
    const windows = Math.floor(audio.length / sileroWindowSamples);
    // Kept before scoring, so a reset() during the loop is not undone afterwards.
    remainder = audio.slice(windows * sileroWindowSamples);
    const output = new Float32Array(windows);
    for (let window = 0; window < windows; window += 1) {
      const start = window * sileroWindowSamples;
      output[window] = await current.score(audio.subarray(start, start + sileroWindowSamples));
      if (started !== generation) return output.slice(0, window + 1);
    }
    return output;
  }

  return {
    sampleRate: sileroSampleRate,
    windowSamples: sileroWindowSamples,
    push(pcm) {
      const started = generation;
      // Copied now: callers reuse their frame buffers as soon as push returns.
      const frame = pcm.slice();
      const result = queue.then(() => run(frame, started));
      queue = result.catch(() => undefined);
      return result;
    },
    reset() {
      generation += 1;
      scorer = null;
      remainder = new Float32Array(0);
    },
  };
}
