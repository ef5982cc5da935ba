import { VoiceError } from '../errors/index.js';
import type { MonoAudio, MultiChannelAudio } from './pcm-audio.js';

/** Averages the channels into one. */
export function downmixToMono(audio: MultiChannelAudio): MonoAudio {
  const [first, ...rest] = audio.channels;
  if (!first) throw new VoiceError('invalid_options', 'audio has no channels');
  if (rest.length === 0) return { samples: first, sampleRate: audio.sampleRate };
  const samples = new Float32Array(first.length);
  const count = audio.channels.length;
  for (const channel of audio.channels) {
    for (let index = 0; index < samples.length; index += 1)
      samples[index] = (samples[index] ?? 0) + (channel[index] ?? 0) / count;
  }
  return { samples, sampleRate: audio.sampleRate };
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarter = (x * x) / 4;
  for (let k = 1; k < 50; k += 1) {
    term *= quarter / (k * k);
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** Throws unless both rates are positive and finite. */
export function checkRates(fromRate: number, toRate: number): void {
  if (!(fromRate > 0) || !(toRate > 0) || !Number.isFinite(fromRate) || !Number.isFinite(toRate)) {
    throw new VoiceError('invalid_options', `cannot resample from ${fromRate} Hz to ${toRate} Hz`);
  }
}

/** The windowed-sinc kernel that `resample` and the streaming resampler share. */
export interface SincKernel {
  /** Output rate over input rate. */
  ratio: number;
  /** Input samples each side of an output sample's centre that the kernel reaches. */
  halfWidth: number;
  /** Table entries per input sample of distance. */
  tableResolution: number;
  /** The kernel by distance from the centre, tabulated (interpolated linearly between entries). */
  table: Float32Array;
}

/**
 * The kernel for resampling `fromRate` to `toRate` (Kaiser window, β = 8.6, 24 zero crossings per
 * side): the cut-off sits just below the lower Nyquist frequency, so downsampling does not alias.
 */
export function sincKernel(fromRate: number, toRate: number): SincKernel {
  checkRates(fromRate, toRate);
  const ratio = toRate / fromRate;
  const cutoff = 0.95 * Math.min(1, ratio); // relative to the input Nyquist
  const zeroCrossings = 24;
  const halfWidth = Math.ceil(zeroCrossings / cutoff);
  const beta = 8.6;
  const normalizer = besselI0(beta);
  // The kernel is tabulated finely and linearly interpolated: exact enough (< -90 dB) and fast.
  const tableResolution = 512;
  const tableLength = halfWidth * tableResolution + 2;
  const table = new Float32Array(tableLength);
  for (let index = 0; index < tableLength; index += 1) {
    const t = index / tableResolution;
    const x = t / halfWidth;
    const window = x >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / normalizer;
    const argument = Math.PI * cutoff * t;
    table[index] = (t === 0 ? cutoff : (cutoff * Math.sin(argument)) / argument) * window;
  }
  return { ratio, halfWidth, tableResolution, table };
}

/**
 * Band-limited resampling by windowed sinc (see `sincKernel`); the audio is taken as silent before
 * its first sample and after its last. `createStreamingResampler` gives the same samples block by block.
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  checkRates(fromRate, toRate);
  if (fromRate === toRate) return samples.slice();
  const { ratio, halfWidth, tableResolution, table } = sincKernel(fromRate, toRate);
  const outputLength = Math.max(0, Math.round(samples.length * ratio));
  const output = new Float32Array(outputLength);
  for (let outIndex = 0; outIndex < outputLength; outIndex += 1) {
    const center = outIndex / ratio;
    const first = Math.max(0, Math.ceil(center - halfWidth));
    const last = Math.min(samples.length - 1, Math.floor(center + halfWidth));
    let sum = 0;
    for (let inIndex = first; inIndex <= last; inIndex += 1) {
      const position = Math.abs(center - inIndex) * tableResolution;
      const base = Math.floor(position);
      const fraction = position - base;
      const weight = (table[base] ?? 0) * (1 - fraction) + (table[base + 1] ?? 0) * fraction;
      sum += (samples[inIndex] ?? 0) * weight;
    }
    output[outIndex] = sum;
  }
  return output;
}

/** Mono audio at `sampleRate` (16 kHz by default: what recognisers and the VAD take). */
export function toMonoAt(audio: MonoAudio | MultiChannelAudio, sampleRate = 16_000): MonoAudio {
  const mono = 'samples' in audio ? audio : downmixToMono(audio);
  if (mono.sampleRate === sampleRate) return mono;
  return { samples: resample(mono.samples, mono.sampleRate, sampleRate), sampleRate };
}
