// Loudness normalisation of a whole job item, read from its PCM work file in pieces and written as
// one WAV file: measure the integrated loudness (BS.1770, loudness-meter.ts), apply the gain that
// brings it to the target, and hold the peaks under a ceiling with a look-ahead limiter. Memory stays
// a few megabytes whatever the length (a 100,000-character chapter is about 100 minutes of speech).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { wavHeader } from '@klody/voice';
import { createLoudnessMeter, gatedLoudness } from './loudness-meter.js';
import { type PcmReadBuffers, readPcmSamples, samplesToPcm16 } from './pcm-work-file.js';

export interface NormalizeFileOptions {
  /** The PCM work file (16-bit little-endian mono) and how many samples of it count. */
  pcmPath: string;
  sampleCount: number;
  sampleRate: number;
  /** Where the WAV goes (written beside it first, then renamed: a reader never sees half a file). */
  wavPath: string;
  /** Target integrated loudness (LUFS). */
  targetLufs: number;
  /** Highest sample peak allowed (dBFS, default -1). */
  peakCeilingDb?: number;
  /** Samples per piece (default 2^20, about 48 s at 22,050 Hz). */
  chunkSamples?: number;
}

export interface NormalizeFileResult {
  /**
   * How loudness was measured: our own ITU-R BS.1770-4 meter (K-weighting, 400 ms gated blocks). The
   * output is measured whole; the input, of a long file, on the probe's sample of it.
   */
  method: 'bs1770';
  inputLufs: number | null;
  outputLufs: number | null;
  /** Static gain applied (dB; 0 for silence). */
  gainDb: number;
  /** How much the limiter took off the loudest peak (dB; 0 when it did nothing). */
  limiterReductionDb: number;
  durationSeconds: number;
  bytes: number;
}

// The limiter's shape, as @klody/voice's normalizeLoudness has it: 5 ms look-ahead, 40 ms release.
const lookaheadSeconds = 0.005;
const releaseSeconds = 0.04;
// The WAV header's sizes are 32-bit.
const largestWavData = 0xffff_ffff - 36;

/** Working arrays for one normalisation, sized for a piece and its context, reused piece after piece. */
interface Scratch {
  read: PcmReadBuffers;
  needed: Float32Array;
  deque: Int32Array;
  minimum: Float32Array;
  prefix: Float64Array;
  envelope: Float32Array;
  pcm: Uint8Array;
}

function createScratch(size: number): Scratch {
  return {
    read: { bytes: new Uint8Array(size * 2), samples: new Float32Array(size) },
    needed: new Float32Array(size),
    deque: new Int32Array(size),
    minimum: new Float32Array(size),
    prefix: new Float64Array(size + 1),
    envelope: new Float32Array(size),
    pcm: new Uint8Array(size * 2),
  };
}

/** Minimum of `values[0..length)` over [i - radius, i + radius] (monotonic deque, O(n)), into `output`. */
function slidingMinimum(
  values: Float32Array,
  length: number,
  radius: number,
  output: Float32Array,
  deque: Int32Array,
): void {
  let head = 0;
  let tail = 0;
  for (let index = 0; index < length + radius; index += 1) {
    if (index < length) {
      const value = values[index] as number;
      while (tail > head && (values[deque[tail - 1] as number] as number) >= value) tail -= 1;
      deque[tail] = index;
      tail += 1;
    }
    const center = index - radius;
    if (center >= 0) {
      while ((deque[head] as number) < center - radius) head += 1;
      output[center] = values[deque[head] as number] as number;
    }
  }
}

/** Mean of `values[0..length)` over [i - radius, i + radius], the window shrinking at the edges. */
function movingAverage(
  values: Float32Array,
  length: number,
  radius: number,
  output: Float32Array,
  prefix: Float64Array,
): void {
  prefix[0] = 0;
  for (let index = 0; index < length; index += 1)
    prefix[index + 1] = (prefix[index] as number) + (values[index] as number);
  for (let index = 0; index < length; index += 1) {
    const from = Math.max(0, index - radius);
    const to = Math.min(length, index + radius + 1);
    output[index] = ((prefix[to] as number) - (prefix[from] as number)) / (to - from);
  }
}

/** The limiter's radii in samples, and the context a piece needs on each side. */
function limiterShape(sampleRate: number) {
  const lookahead = Math.max(1, Math.round(lookaheadSeconds * sampleRate));
  const release = Math.max(lookahead, Math.round(releaseSeconds * sampleRate));
  const minimumRadius = lookahead + release;
  return { release, minimumRadius, context: minimumRadius + release };
}

interface Range {
  start: number;
  end: number;
}

/**
 * Gain and limiter over `ranges` of the file, piece by piece; each limited piece goes to `sink`. The
 * limiter's gain at a sample depends on the samples within `lookahead + 2 × release` of it, so every
 * piece is read with that much context on both sides: the result is the same as over the whole signal
 * at once. Returns how much the limiter took off the loudest peak (dB).
 */
function render(
  input: number,
  options: NormalizeFileOptions,
  chunk: number,
  gainDb: number,
  ceiling: number,
  ranges: readonly Range[],
  scratch: Scratch,
  sink: (piece: Float32Array, start: number) => void,
): number {
  const { sampleCount } = options;
  const { release, minimumRadius, context } = limiterShape(options.sampleRate);
  const linear = 10 ** (gainDb / 20);
  let deepest = 1;
  for (const range of ranges) {
    for (let start = range.start; start < range.end; start += chunk) {
      const end = Math.min(range.end, start + chunk);
      const from = Math.max(0, start - context);
      const to = Math.min(sampleCount, end + context);
      const extended = readPcmSamples(input, from, to - from, scratch.read);
      let loudest = 0;
      for (let index = 0; index < extended.length; index += 1) {
        const value = (extended[index] as number) * linear;
        extended[index] = value;
        const magnitude = value < 0 ? -value : value;
        if (magnitude > loudest) loudest = magnitude;
      }
      const piece = extended.subarray(start - from, end - from);
      if (loudest > ceiling) {
        const { needed, minimum, envelope } = scratch;
        const length = extended.length;
        for (let index = 0; index < length; index += 1) {
          const value = extended[index] as number;
          const magnitude = value < 0 ? -value : value;
          needed[index] = magnitude > ceiling ? ceiling / magnitude : 1;
        }
        slidingMinimum(needed, length, minimumRadius, minimum, scratch.deque);
        movingAverage(minimum, length, release, envelope, scratch.prefix);
        for (let index = 0; index < piece.length; index += 1) {
          const gain = envelope[start - from + index] as number;
          if (gain < deepest) deepest = gain;
          piece[index] = (piece[index] as number) * gain;
        }
      }
      sink(piece, start);
    }
  }
  return -20 * Math.log10(deepest);
}

/**
 * Where the gain search listens: the whole file when it is short, else 150 windows of 2 s spread
 * evenly (about 5 minutes of audio), which estimate the integrated loudness of speech to a tenth of
 * an LU at a fraction of a pass.
 */
function probeRanges(sampleCount: number, sampleRate: number): Range[] {
  const windowLength = 2 * sampleRate;
  const windows = 150;
  if (sampleCount <= windows * windowLength * 2) return [{ start: 0, end: sampleCount }];
  const stride = Math.floor(sampleCount / windows);
  return Array.from({ length: windows }, (_, index) => ({
    start: index * stride,
    end: Math.min(sampleCount, index * stride + windowLength),
  }));
}

/** Output loudness of the probe for a gain: each window metered on its own, their blocks gated together. */
function probeLoudness(
  input: number,
  options: NormalizeFileOptions,
  chunk: number,
  gainDb: number,
  ceiling: number,
  ranges: readonly Range[],
  scratch: Scratch,
): { lufs: number | null; reductionDb: number } {
  const powers: number[] = [];
  let meter = createLoudnessMeter(options.sampleRate);
  let current: Range | null = null;
  const reductionDb = render(input, options, chunk, gainDb, ceiling, ranges, scratch, (piece, start) => {
    const range = ranges.find((candidate) => start >= candidate.start && start < candidate.end) ?? null;
    if (range !== current) {
      powers.push(...meter.blockPowers());
      meter = createLoudnessMeter(options.sampleRate);
      current = range;
    }
    meter.add(piece);
  });
  powers.push(...meter.blockPowers());
  return { lufs: gatedLoudness(powers), reductionDb };
}

/**
 * Normalises the work file to `targetLufs` into a WAV. The limiter takes some loudness back, so the
 * gain is found first on a sample of the file (secant method: the output loudness grows smoothly with
 * the gain), then the whole file is rendered once, metered as it is written, and rendered once more
 * only if that measurement is more than 0.5 LU off.
 */
export function normalizePcmFile(options: NormalizeFileOptions): NormalizeFileResult {
  const chunk = options.chunkSamples ?? 1 << 20;
  const { sampleCount, sampleRate } = options;
  const dataBytes = sampleCount * 2;
  if (dataBytes > largestWavData) {
    throw new Error(
      `the audio is ${Math.round(sampleCount / sampleRate / 3600)} hours long: more than one WAV file can hold (4 GiB)`,
    );
  }
  const ceiling = 10 ** ((options.peakCeilingDb ?? -1) / 20) * 0.995;
  const input = openSync(options.pcmPath, 'r');
  const temporaryPath = `${options.wavPath}.partial`;
  let output: number | null = null;
  try {
    // The input is measured on the probe too (a sample of a long file): the gain search below corrects
    // what an estimate misses, and the output is measured whole.
    const scratch = createScratch(chunk + 2 * limiterShape(sampleRate).context + 1);
    const probe = probeRanges(sampleCount, sampleRate);
    const inputLufs = probeLoudness(input, options, chunk, 0, Number.POSITIVE_INFINITY, probe, scratch).lufs;
    // Silence (or under 400 ms) has no loudness to bring anywhere: it is copied as it is.
    let gainDb = inputLufs === null ? 0 : options.targetLufs - inputLufs;
    let slope = 1;
    if (inputLufs !== null) {
      let previous: { gainDb: number; error: number } | null = null;
      for (let attempt = 0; attempt < 8; attempt += 1) {
        const measured = probeLoudness(input, options, chunk, gainDb, ceiling, probe, scratch);
        if (measured.lufs === null) break;
        const error = measured.lufs - options.targetLufs;
        if (previous && previous.gainDb !== gainDb) {
          const secant = (error - previous.error) / (gainDb - previous.gainDb);
          if (secant > 0.05) slope = secant;
        }
        if (Math.abs(error) < 0.05 || (measured.reductionDb === 0 && attempt > 0)) break;
        previous = { gainDb, error };
        gainDb -= error / slope;
      }
    }
    output = openSync(temporaryPath, 'w');
    const file = output;
    const whole = [{ start: 0, end: sampleCount }];
    const renderWhole = (gain: number) => {
      const meter = createLoudnessMeter(sampleRate);
      writeSync(file, wavHeader(sampleRate, 1, dataBytes, 'pcm16'), 0, 44, 0);
      const reductionDb = render(input, options, chunk, gain, ceiling, whole, scratch, (piece, start) => {
        meter.add(piece);
        const bytes = samplesToPcm16(piece, scratch.pcm);
        let written = 0;
        while (written < bytes.byteLength) {
          written += writeSync(file, bytes, written, bytes.byteLength - written, 44 + start * 2 + written);
        }
      });
      return { outputLufs: meter.integratedLufs(), reductionDb };
    };
    let rendered = renderWhole(gainDb);
    if (rendered.outputLufs !== null && Math.abs(rendered.outputLufs - options.targetLufs) > 0.5) {
      gainDb -= (rendered.outputLufs - options.targetLufs) / slope;
      rendered = renderWhole(gainDb);
    }
    fsyncSync(file);
    closeSync(file);
    output = null;
    renameSync(temporaryPath, options.wavPath);
    return {
      method: 'bs1770',
      inputLufs,
      outputLufs: rendered.outputLufs,
      gainDb,
      limiterReductionDb: rendered.reductionDb,
      durationSeconds: sampleCount / sampleRate,
      bytes: 44 + dataBytes,
    };
  } catch (error) {
    if (output !== null) closeSync(output);
    rmSync(temporaryPath, { force: true });
    throw error;
  } finally {
    closeSync(input);
  }
}
