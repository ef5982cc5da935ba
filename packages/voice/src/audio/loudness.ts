import { VoiceError } from '../errors/index.js';
import type { MonoAudio, MultiChannelAudio } from './pcm-audio.js';

/** A second-order IIR section (a0 normalized to 1). */
interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/**
 * The two K-weighting filters of ITU-R BS.1770 (the "RLB" high-pass and the high shelf) for any
 * sample rate, derived from the analog prototypes as libebur128 does, so 44.1 kHz and 16 kHz audio
 * are weighted like the 48 kHz table of the standard.
 */
export function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  let f0 = 1681.974450955533;
  const gain = 3.999843853973347;
  let q = 0.7071752369554196;
  let k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = 10 ** (gain / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + k / q + k * k;
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
  return [shelf, highPass];
}

function filter(samples: Float32Array, section: Biquad): Float64Array {
  const output = new Float64Array(samples.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let index = 0; index < samples.length; index += 1) {
    const x = samples[index] ?? 0;
    const y = section.b0 * x + section.b1 * x1 + section.b2 * x2 - section.a1 * y1 - section.a2 * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    output[index] = y;
  }
  return output;
}

function filter64(samples: Float64Array, section: Biquad): Float64Array {
  return filter(samples as unknown as Float32Array, section);
}

// BS.1770 channel weights for the usual orders: L, R, C, LFE (excluded), Ls, Rs.
function channelWeight(channelCount: number, channel: number): number {
  if (channelCount < 4) return 1;
  if (channel === 3) return 0;
  return channel >= 4 ? 1.41 : 1;
}

export interface LoudnessMeasurement {
  /** Integrated loudness (LUFS), gated per BS.1770-4; null for silence or audio under 400 ms. */
  integratedLufs: number | null;
  /** Highest sample (dBFS); null for digital silence. */
  samplePeakDb: number | null;
  /** Highest inter-sample peak, 4× oversampled (dBTP); null for digital silence. */
  truePeakDb: number | null;
  /** Number of 400 ms blocks that passed both gates. */
  gatedBlocks: number;
}

function asChannels(audio: MonoAudio | MultiChannelAudio): Float32Array[] {
  return 'samples' in audio ? [audio.samples] : audio.channels;
}

const absoluteGate = -70;
const relativeGate = -10;

/** Integrated loudness per EBU R128 / ITU-R BS.1770-4 (400 ms blocks, 75 % overlap, -70 LUFS and -10 LU gates). */
export function integratedLoudness(audio: MonoAudio | MultiChannelAudio): number | null {
  return measureGatedLoudness(asChannels(audio), audio.sampleRate).integrated;
}

function measureGatedLoudness(
  channels: Float32Array[],
  sampleRate: number,
): { integrated: number | null; blocks: number } {
  if (!(sampleRate > 0)) throw new VoiceError('invalid_options', `invalid sample rate ${sampleRate}`);
  const [shelf, highPass] = kWeightingFilters(sampleRate);
  const length = channels[0]?.length ?? 0;
  const blockLength = Math.round(0.4 * sampleRate);
  const step = Math.round(0.1 * sampleRate);
  if (length < blockLength) return { integrated: null, blocks: 0 };
  // Prefix sums of the weighted squared K-filtered signal make each block a subtraction.
  const prefix = new Float64Array(length + 1);
  channels.forEach((samples, channel) => {
    const weight = channelWeight(channels.length, channel);
    if (weight === 0) return;
    const weighted = filter64(filter(samples, shelf), highPass);
    let running = 0;
    for (let index = 0; index < length; index += 1) {
      const value = weighted[index] ?? 0;
      running += weight * value * value;
      prefix[index + 1] = (prefix[index + 1] ?? 0) + running;
    }
  });
  const powers: number[] = [];
  for (let start = 0; start + blockLength <= length; start += step) {
    powers.push(((prefix[start + blockLength] ?? 0) - (prefix[start] ?? 0)) / blockLength);
  }
  const loudness = (power: number) => -0.691 + 10 * Math.log10(power);
  const aboveAbsolute = powers.filter((power) => power > 0 && loudness(power) > absoluteGate);
  if (aboveAbsolute.length === 0) return { integrated: null, blocks: 0 };
  const relativeThreshold =
    loudness(aboveAbsolute.reduce((sum, power) => sum + power, 0) / aboveAbsolute.length) + relativeGate;
  const gated = aboveAbsolute.filter((power) => loudness(power) > relativeThreshold);
  if (gated.length === 0) return { integrated: null, blocks: 0 };
  return {
    integrated: loudness(gated.reduce((sum, power) => sum + power, 0) / gated.length),
    blocks: gated.length,
  };
}

// Interpolation kernel for the true-peak meter: 4 phases × 48 taps, Kaiser-windowed sinc.
const oversampling = 4;
const tapsPerPhase = 12;
let truePeakKernel: Float64Array[] | null = null;
function peakKernel(): Float64Array[] {
  if (truePeakKernel) return truePeakKernel;
  const phases: Float64Array[] = [];
  const half = tapsPerPhase / 2;
  for (let phase = 0; phase < oversampling; phase += 1) {
    const taps = new Float64Array(tapsPerPhase);
    const offset = phase / oversampling;
    for (let tap = 0; tap < tapsPerPhase; tap += 1) {
      const t = tap - half + 1 - offset; // distance from the output point to input sample
      const x = t / (half + 1);
      const window = Math.abs(x) >= 1 ? 0 : 0.5 * (1 + Math.cos(Math.PI * x));
      taps[tap] = (t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t)) * window;
    }
    phases.push(taps);
  }
  truePeakKernel = phases;
  return phases;
}

/**
 * The largest absolute value of the signal 4× oversampled, per sample of the input: `peaks[n]` is
 * the highest inter-sample magnitude between sample n and n+1 (and n itself).
 */
export function interSamplePeaks(samples: Float32Array): Float32Array {
  const kernel = peakKernel();
  const peaks = new Float32Array(samples.length);
  const half = tapsPerPhase / 2;
  for (let index = 0; index < samples.length; index += 1) {
    let peak = Math.abs(samples[index] ?? 0);
    for (let phase = 1; phase < oversampling; phase += 1) {
      const taps = kernel[phase] as Float64Array;
      let sum = 0;
      for (let tap = 0; tap < tapsPerPhase; tap += 1) {
        const source = index + tap - half + 1;
        if (source >= 0 && source < samples.length) sum += (samples[source] ?? 0) * (taps[tap] ?? 0);
      }
      peak = Math.max(peak, Math.abs(sum));
    }
    peaks[index] = peak;
  }
  return peaks;
}

function toDb(value: number): number | null {
  return value > 0 ? 20 * Math.log10(value) : null;
}

/** Integrated loudness, sample peak and true peak in one pass over the audio. */
export function measureLoudness(audio: MonoAudio | MultiChannelAudio): LoudnessMeasurement {
  const channels = asChannels(audio);
  const { integrated, blocks } = measureGatedLoudness(channels, audio.sampleRate);
  let samplePeak = 0;
  let truePeak = 0;
  for (const samples of channels) {
    for (const value of samples) samplePeak = Math.max(samplePeak, Math.abs(value));
    for (const value of interSamplePeaks(samples)) truePeak = Math.max(truePeak, value);
  }
  return {
    integratedLufs: integrated,
    samplePeakDb: toDb(samplePeak),
    truePeakDb: toDb(Math.max(truePeak, samplePeak)),
    gatedBlocks: blocks,
  };
}
