import { VoiceError } from '../errors/index.js';
import { checkRates, type SincKernel, sincKernel } from './resample.js';

/**
 * `resample`, block by block: each block given to `push` returns the output samples whose whole
 * kernel has now arrived, and `end` the rest. The blocks' outputs put end to end are the very samples
 * `resample` makes of the whole audio (same kernel, same arithmetic), so a stream can send its first
 * resampled block without resampling a whole sentence first.
 */
export interface StreamingResampler {
  readonly fromRate: number;
  readonly toRate: number;
  /** Takes the next input samples; returns the output samples that are now complete (maybe none). */
  push(samples: Float32Array): Float32Array;
  /** The input is over (silence after it, as `resample` takes it): returns the last output samples. */
  end(): Float32Array;
}

// A stream makes one resampler per sentence, mostly between the same two rates: the kernel's table
// (some 13,000 Bessel evaluations, about a millisecond) is made once per pair of rates.
const kernels = new Map<string, SincKernel>();
const keptKernels = 8;

function cachedKernel(fromRate: number, toRate: number): SincKernel {
  const key = `${fromRate}:${toRate}`;
  let kernel = kernels.get(key);
  if (!kernel) {
    kernel = sincKernel(fromRate, toRate);
    if (kernels.size >= keptKernels) kernels.delete(kernels.keys().next().value as string);
    kernels.set(key, kernel);
  }
  return kernel;
}

export function createStreamingResampler(fromRate: number, toRate: number): StreamingResampler {
  checkRates(fromRate, toRate);
  const passThrough = fromRate === toRate;
  const { ratio, halfWidth, tableResolution, table } = passThrough
    ? { ratio: 1, halfWidth: 0, tableResolution: 1, table: new Float32Array(0) }
    : cachedKernel(fromRate, toRate);
  // The input still needed: `buffer[0]` is input sample `bufferStart` (the kernel reaches back
  // `halfWidth` samples, so what lies before the next output's reach is dropped).
  let buffer = new Float32Array(0);
  let bufferStart = 0;
  let received = 0;
  let produced = 0;
  let ended = false;

  function checkOpen(): void {
    if (ended) throw new VoiceError('invalid_options', 'the streaming resampler has already ended');
  }

  /** Output samples `produced` to `until` (exclusive), from the input received so far. */
  function render(until: number): Float32Array {
    const output = new Float32Array(Math.max(0, until - produced));
    for (let outIndex = produced; outIndex < until; outIndex += 1) {
      // The same expressions, in the same order, as `resample`: the same float results.
      const center = outIndex / ratio;
      const first = Math.max(0, Math.ceil(center - halfWidth));
      const last = Math.min(received - 1, Math.floor(center + halfWidth));
      let sum = 0;
      for (let inIndex = first; inIndex <= last; inIndex += 1) {
        const position = Math.abs(center - inIndex) * tableResolution;
        const base = Math.floor(position);
        const fraction = position - base;
        const weight = (table[base] ?? 0) * (1 - fraction) + (table[base + 1] ?? 0) * fraction;
        sum += (buffer[inIndex - bufferStart] ?? 0) * weight;
      }
      output[outIndex - produced] = sum;
    }
    produced = Math.max(produced, until);
    return output;
  }

  function dropConsumedInput(): void {
    const needed = Math.max(0, Math.ceil(produced / ratio - halfWidth));
    if (needed > bufferStart) {
      buffer = buffer.slice(Math.min(buffer.length, needed - bufferStart));
      bufferStart = needed;
    }
  }

  return {
    fromRate,
    toRate,
    push(samples) {
      checkOpen();
      if (passThrough) {
        received += samples.length;
        return samples.slice();
      }
      const joined = new Float32Array(buffer.length + samples.length);
      joined.set(buffer);
      joined.set(samples, buffer.length);
      buffer = joined;
      received += samples.length;
      // An output sample is complete once the last input its kernel reaches has arrived. Such a
      // sample always lies before the end `resample` would give (the kernel reaches 25 output
      // samples or more past it), so nothing is given that the whole audio would not have.
      let until = produced;
      while (Math.floor(until / ratio + halfWidth) <= received - 1) until += 1;
      const output = render(until);
      dropConsumedInput();
      return output;
    },
    end() {
      checkOpen();
      ended = true;
      if (passThrough) return new Float32Array(0);
      const output = render(Math.max(0, Math.round(received * ratio)));
      buffer = new Float32Array(0);
      return output;
    },
  };
}
