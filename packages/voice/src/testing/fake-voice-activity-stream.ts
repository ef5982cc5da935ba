import type { VoiceActivityStream } from '../voice-activity/voice-activity-stream.js';

export interface FakeVoiceActivityStreamOptions {
  /** RMS level (linear) above which a window counts as speech (default 0.02). */
  threshold?: number;
}

/**
 * A fake VAD stream for unit tests of voice loops (`createStreamingVoiceActivity({ vad: { createStream:
 * () => createFakeVoiceActivityStream() } })`): Silero's shape (16 kHz, 512-sample windows, frames of
 * any length), but an energy gate that answers 1 for a loud window and 0 otherwise, with no model.
 */
export function createFakeVoiceActivityStream(
  options: FakeVoiceActivityStreamOptions = {},
): VoiceActivityStream {
  const threshold = options.threshold ?? 0.02;
  const windowSamples = 512;
  let remainder = new Float32Array(0);
  return {
    sampleRate: 16_000,
    windowSamples,
    async push(pcm) {
      const audio = new Float32Array(remainder.length + pcm.length);
      audio.set(remainder);
      audio.set(pcm, remainder.length);
      const windows = Math.floor(audio.length / windowSamples);
      remainder = audio.slice(windows * windowSamples);
      return Float32Array.from({ length: windows }, (_, window) => {
        let sum = 0;
        for (let index = window * windowSamples; index < (window + 1) * windowSamples; index += 1) {
          sum += (audio[index] ?? 0) ** 2;
        }
        return Math.sqrt(sum / windowSamples) > threshold ? 1 : 0;
      });
    },
    reset() {
      remainder = new Float32Array(0);
    },
  };
}
