import { VoiceError } from '../errors/index.js';
import { integratedLoudness, interSamplePeaks } from './loudness.js';
import type { MonoAudio, MultiChannelAudio } from './pcm-audio.js';

export interface NormalizeOptions {
  /** Target integrated loudness (LUFS, default -16: spoken word for listening on devices). */
  targetLufs?: number;
  /** Highest true peak allowed after normalization (dBTP, default -1). */
  truePeakLimitDb?: number;
  /** Look-ahead and release of the peak limiter (seconds, default 0.005 and 0.04). */
  limiterLookaheadSeconds?: number;
  limiterReleaseSeconds?: number;
}

export interface NormalizeResult {
  audio: MultiChannelAudio;
  /** Loudness before and after (LUFS). */
  inputLufs: number;
  outputLufs: number | null;
  /** The static gain applied before limiting (dB). */
  gainDb: number;
  /** How much the limiter reduced the loudest peak (dB, 0 when it did nothing). */
  limiterReductionDb: number;
}

function asMulti(audio: MonoAudio | MultiChannelAudio): MultiChannelAudio {
  return 'samples' in audio ? { channels: [audio.samples], sampleRate: audio.sampleRate } : audio;
}

function slidingMinimum(values: Float32Array, radius: number): Float32Array {
  // Monotonic deque: O(n) minimum over [i - radius, i + radius].
  const output = new Float32Array(values.length);
  const deque: number[] = [];
  let head = 0;
  for (let index = 0; index < values.length + radius; index += 1) {
    if (index < values.length) {
      while (deque.length > head && (values[deque[deque.length - 1] as number] ?? 0) >= (values[index] ?? 0))
        deque.pop();
      deque.push(index);
    }
    const center = index - radius;
    if (center >= 0) {
      while ((deque[head] as number) < center - radius) head += 1;
      output[center] = values[deque[head] as number] ?? 1;
    }
  }
  return output;
}

function movingAverage(values: Float32Array, radius: number): Float32Array {
  const output = new Float32Array(values.length);
  const prefix = new Float64Array(values.length + 1);
  for (let index = 0; index < values.length; index += 1)
    prefix[index + 1] = (prefix[index] ?? 0) + (values[index] ?? 0);
  for (let index = 0; index < values.length; index += 1) {
    const from = Math.max(0, index - radius);
    const to = Math.min(values.length, index + radius + 1);
    output[index] = ((prefix[to] ?? 0) - (prefix[from] ?? 0)) / (to - from);
  }
  return output;
}

/**
 * A look-ahead true-peak limiter: the gain each sample needs is widened by a sliding minimum and
 * then smoothed by an average narrower than that minimum, so the smoothed gain is never above what
 * any nearby peak needs (no overshoot) while it moves without clicks.
 */
function limit(
  channels: Float32Array[],
  sampleRate: number,
  ceiling: number,
  options: NormalizeOptions,
): number {
  const length = channels[0]?.length ?? 0;
  const needed = new Float32Array(length).fill(1);
  let loudest = 0;
  for (const samples of channels) {
    const peaks = interSamplePeaks(samples);
    for (let index = 0; index < length; index += 1) {
      const peak = peaks[index] ?? 0;
      loudest = Math.max(loudest, peak);
      if (peak > ceiling) needed[index] = Math.min(needed[index] ?? 1, ceiling / peak);
    }
  }
  if (loudest <= ceiling) return 0;
  const lookahead = Math.max(1, Math.round((options.limiterLookaheadSeconds ?? 0.005) * sampleRate));
  const release = Math.max(lookahead, Math.round((options.limiterReleaseSeconds ?? 0.04) * sampleRate));
  const gain = movingAverage(slidingMinimum(needed, lookahead + release), release);
  for (const samples of channels) {
    for (let index = 0; index < length; index += 1)
      samples[index] = (samples[index] ?? 0) * (gain[index] ?? 1);
  }
  let reduction = 1;
  for (const value of gain) reduction = Math.min(reduction, value);
  return -20 * Math.log10(reduction);
}

function truePeak(channels: Float32Array[]): number {
  let peak = 0;
  for (const samples of channels) for (const value of interSamplePeaks(samples)) peak = Math.max(peak, value);
  return peak;
}

/**
 * Normalizes to a target integrated loudness (EBU R128) without ever exceeding a true-peak ceiling:
 * a static gain, then a look-ahead limiter where peaks would pass the ceiling, repeated (at most
 * ten times) to win back the loudness the limiter took. Throws `silent_audio` for silence.
 */
export function normalizeLoudness(
  audio: MonoAudio | MultiChannelAudio,
  options: NormalizeOptions = {},
): NormalizeResult {
  const targetLufs = options.targetLufs ?? -16;
  const ceilingDb = options.truePeakLimitDb ?? -1;
  if (!Number.isFinite(targetLufs) || targetLufs > 0 || targetLufs < -70) {
    throw new VoiceError(
      'invalid_options',
      `target loudness must be between -70 and 0 LUFS, got ${targetLufs}`,
    );
  }
  if (!Number.isFinite(ceilingDb) || ceilingDb > 0) {
    throw new VoiceError('invalid_options', `true-peak limit must be ≤ 0 dBTP, got ${ceilingDb}`);
  }
  const source = asMulti(audio);
  const inputLufs = integratedLoudness(source);
  if (inputLufs === null) {
    throw new VoiceError(
      'silent_audio',
      'the audio is silent (or shorter than 400 ms): it has no loudness to normalize',
    );
  }
  const ceiling = 10 ** (ceilingDb / 20);
  let gainDb = targetLufs - inputLufs;
  let channels: Float32Array[] = [];
  let limiterReductionDb = 0;
  let outputLufs: number | null = null;
  // The limiter takes back some loudness; find the gain whose limited output hits the target by the
  // secant method (the output loudness grows monotonically and smoothly with the gain).
  let previous: { gainDb: number; error: number } | null = null;
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const linear = 10 ** (gainDb / 20);
    channels = source.channels.map((samples) => samples.map((value) => value * linear));
    limiterReductionDb = limit(channels, source.sampleRate, ceiling * 0.995, options);
    outputLufs = integratedLoudness({ channels, sampleRate: source.sampleRate });
    if (outputLufs === null || limiterReductionDb === 0) break;
    const error = outputLufs - targetLufs;
    if (Math.abs(error) < 0.05) break;
    const slope =
      previous && previous.gainDb !== gainDb ? (error - previous.error) / (gainDb - previous.gainDb) : 1;
    previous = { gainDb, error };
    // A flat or inverted slope means the limiter eats every extra dB: stop pushing.
    if (slope < 0.05) break;
    gainDb -= error / slope;
  }
  // Safety net: whatever the limiter left (a few thousandths of a dB), scale under the ceiling.
  const peak = truePeak(channels);
  if (peak > ceiling) {
    const scale = (ceiling * 0.999) / peak;
    channels = channels.map((samples) => samples.map((value) => value * scale));
    outputLufs = integratedLoudness({ channels, sampleRate: source.sampleRate });
  }
  return {
    audio: { channels, sampleRate: source.sampleRate },
    inputLufs,
    outputLufs,
    gainDb,
    limiterReductionDb,
  };
}
