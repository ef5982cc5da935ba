import type { SpeechSegment, VoiceActivityDetector } from '../voice-activity/voice-activity-detector.js';

export interface FakeVoiceActivityDetectorOptions {
  /** RMS level (linear) above which a 30 ms frame counts as speech (default 0.02). */
  threshold?: number;
}

/**
 * A fake detector for unit tests: an energy gate over 30 ms frames. It finds loud tones as well as
 * speech, which is exactly why the real one is a trained model.
 */
export function createFakeVoiceActivityDetector(
  options: FakeVoiceActivityDetectorOptions = {},
): VoiceActivityDetector {
  const threshold = options.threshold ?? 0.02;
  return {
    id: 'fake-energy-vad',
    async detect(pcm, sampleRate) {
      const frame = Math.max(1, Math.round(0.03 * sampleRate));
      const segments: SpeechSegment[] = [];
      let open: number | null = null;
      for (let start = 0; start < pcm.length; start += frame) {
        let sum = 0;
        const end = Math.min(pcm.length, start + frame);
        for (let index = start; index < end; index += 1) sum += (pcm[index] ?? 0) ** 2;
        const loud = Math.sqrt(sum / (end - start)) > threshold;
        if (loud && open === null) open = start;
        if (!loud && open !== null) {
          segments.push({ start: open / sampleRate, end: start / sampleRate });
          open = null;
        }
      }
      if (open !== null) segments.push({ start: open / sampleRate, end: pcm.length / sampleRate });
      return segments;
    },
  };
}
