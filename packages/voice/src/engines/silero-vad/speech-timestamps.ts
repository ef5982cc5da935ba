import type { SpeechSegment } from '../../voice-activity/voice-activity-detector.js';

export interface SpeechTimestampOptions {
  threshold: number;
  negativeThreshold: number;
  minSpeechMs: number;
  minSilenceMs: number;
  speechPadMs: number;
}

export const defaultSpeechTimestampOptions: SpeechTimestampOptions = {
  threshold: 0.5,
  negativeThreshold: 0.35,
  minSpeechMs: 250,
  minSilenceMs: 100,
  speechPadMs: 30,
};

/**
 * Speech segments from per-window speech probabilities, as Silero's `get_speech_timestamps` does:
 * speech starts above `threshold`, ends after `minSilenceMs` below `negativeThreshold` (hysteresis),
 * too-short segments are dropped and each side is padded without overlapping the neighbour.
 */
export function speechTimestamps(
  probabilities: ArrayLike<number>,
  windowSamples: number,
  sampleRate: number,
  totalSamples: number,
  options: SpeechTimestampOptions,
): SpeechSegment[] {
  const minSpeech = (sampleRate * options.minSpeechMs) / 1000;
  const minSilence = (sampleRate * options.minSilenceMs) / 1000;
  const pad = Math.round((sampleRate * options.speechPadMs) / 1000);
  const found: { start: number; end: number }[] = [];
  let triggered = false;
  let start = 0;
  let temporaryEnd = 0;
  for (let index = 0; index < probabilities.length; index += 1) {
    const probability = probabilities[index] ?? 0;
    const position = windowSamples * index;
    if (probability >= options.threshold && temporaryEnd) temporaryEnd = 0;
    if (probability >= options.threshold && !triggered) {
      triggered = true;
      start = position;
      continue;
    }
    if (probability < options.negativeThreshold && triggered) {
      if (!temporaryEnd) temporaryEnd = position;
      if (position - temporaryEnd < minSilence) continue;
      if (temporaryEnd - start > minSpeech) found.push({ start, end: temporaryEnd });
      triggered = false;
      temporaryEnd = 0;
    }
  }
  if (triggered && totalSamples - start > minSpeech) found.push({ start, end: totalSamples });
  for (let index = 0; index < found.length; index += 1) {
    const segment = found[index] as { start: number; end: number };
    const next = found[index + 1];
    if (index === 0) segment.start = Math.max(0, segment.start - pad);
    if (next) {
      const gap = next.start - segment.end;
      if (gap < 2 * pad) {
        segment.end += Math.floor(gap / 2);
        next.start = Math.max(0, next.start - Math.floor(gap / 2));
      } else {
        segment.end = Math.min(totalSamples, segment.end + pad);
        next.start = Math.max(0, next.start - pad);
      }
    } else {
      segment.end = Math.min(totalSamples, segment.end + pad);
    }
  }
  return found.map((segment) => ({ start: segment.start / sampleRate, end: segment.end / sampleRate }));
}
