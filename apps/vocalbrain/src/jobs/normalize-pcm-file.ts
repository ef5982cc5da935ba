// Loudness normalisation of a whole job item, read from its PCM work file in pieces and written as
// one WAV file: measure the integrated loudness (BS.1770, loudness-meter.ts), apply the gain that
// brings it to the target, and hold the peaks under a ceiling with a look-ahead limiter. Memory stays
// a few megabytes whatever the length (a 100,000-character chapter is about 100 minutes of speech).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { floatToPcm16, wavHeader } from '@klody/voice';
import { createLoudnessMeter } from './loudness-meter.js';
import { readPcmSamples } from './pcm-work-file.js';

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
  /** How loudness was measured: our own ITU-R BS.1770-4 meter (K-weighting, 400 ms gated blocks). */
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

/** Minimum over [i - radius, i + radius] (monotonic deque, O(n)). */
function slidingMinimum(values: Float32Array, radius: number): Float32Array {
  const output = new Float32Array(values.length);
  const deque = new Int32Array(values.length);
  let head = 0;
  let tail = 0;
  for (let index = 0; index < values.length + radius; index += 1) {
    if (index < values.length) {
      while (tail > head && (values[deque[tail - 1] as number] ?? 0) >= (values[index] ?? 0)) tail -= 1;
      deque[tail] = index;
      tail += 1;
    }
    const center = index - radius;
    if (center >= 0) {
      while ((deque[head] as number) < center - radius) head += 1;
      output[center] = values[deque[head] as number] ?? 1;
    }
  }
  return output;
}

/** Mean over [i - radius, i + radius], the window shrinking at the edges. */
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

function measureFile(descriptor: number, options: NormalizeFileOptions, chunk: number) {
  const meter = createLoudnessMeter(options.sampleRate);
  for (let start = 0; start < options.sampleCount; start += chunk) {
    meter.add(readPcmSamples(descriptor, start, Math.min(chunk, options.sampleCount - start)));
  }
  return meter;
}

/**
 * One rendering: gain, limiter, PCM16 out. The limiter's gain at a sample depends on the samples within
 * `lookahead + 2 × release` of it, so each piece is read with that much context on both sides and the
 * result is the same as over the whole signal at once.
 */
function render(
  input: number,
  output: number,
  options: NormalizeFileOptions,
  chunk: number,
  gainDb: number,
  ceiling: number,
): { outputLufs: number | null; reductionDb: number } {
  const { sampleCount, sampleRate } = options;
  const lookahead = Math.max(1, Math.round(lookaheadSeconds * sampleRate));
  const release = Math.max(lookahead, Math.round(releaseSeconds * sampleRate));
  const minimumRadius = lookahead + release;
  const context = minimumRadius + release;
  const linear = 10 ** (gainDb / 20);
  const meter = createLoudnessMeter(sampleRate);
  let deepest = 1;
  let position = 44;
  for (let start = 0; start < sampleCount; start += chunk) {
    const end = Math.min(sampleCount, start + chunk);
    const from = Math.max(0, start - context);
    const to = Math.min(sampleCount, end + context);
    const extended = readPcmSamples(input, from, to - from);
    const needed = new Float32Array(extended.length).fill(1);
    let loudest = 0;
    for (let index = 0; index < extended.length; index += 1) {
      const value = (extended[index] ?? 0) * linear;
      extended[index] = value;
      const magnitude = value < 0 ? -value : value;
      if (magnitude > loudest) loudest = magnitude;
      if (magnitude > ceiling) needed[index] = ceiling / magnitude;
    }
    let piece = extended.subarray(start - from, end - from);
    if (loudest > ceiling) {
      const envelope = movingAverage(slidingMinimum(needed, minimumRadius), release);
      const limited = new Float32Array(end - start);
      for (let index = 0; index < limited.length; index += 1) {
        const gain = envelope[start - from + index] ?? 1;
        if (gain < deepest) deepest = gain;
        limited[index] = (piece[index] ?? 0) * gain;
      }
      piece = limited;
    }
    meter.add(piece);
    const bytes = floatToPcm16(piece);
    let written = 0;
    while (written < bytes.byteLength) {
      written += writeSync(output, bytes, written, bytes.byteLength - written, position + written);
    }
    position += bytes.byteLength;
  }
  return { outputLufs: meter.integratedLufs(), reductionDb: -20 * Math.log10(deepest) };
}

/**
 * Normalises the work file to `targetLufs` into a WAV. When the limiter takes loudness back, the gain
 * is corrected by the secant method (the output loudness grows smoothly with the gain) and the file
 * rendered again, at most four times; each rendering is one pass over the file.
 */
export function normalizePcmFile(options: NormalizeFileOptions): NormalizeFileResult {
  const chunk = options.chunkSamples ?? 1 << 20;
  const dataBytes = options.sampleCount * 2;
  if (dataBytes > largestWavData) {
    throw new Error(
      `the audio is ${Math.round(options.sampleCount / options.sampleRate / 3600)} hours long: more than one WAV file can hold (4 GiB)`,
    );
  }
  const ceiling = 10 ** ((options.peakCeilingDb ?? -1) / 20) * 0.995;
  const input = openSync(options.pcmPath, 'r');
  const temporaryPath = `${options.wavPath}.partial`;
  const output = openSync(temporaryPath, 'w');
  try {
    writeSync(output, wavHeader(options.sampleRate, 1, dataBytes, 'pcm16'), 0, 44, 0);
    const inputLufs = measureFile(input, options, chunk).integratedLufs();
    // Silence (or under 400 ms) has no loudness to bring anywhere: copied as it is.
    let gainDb = inputLufs === null ? 0 : options.targetLufs - inputLufs;
    let rendered = render(input, output, options, chunk, gainDb, ceiling);
    let previous: { gainDb: number; error: number } | null = null;
    for (let attempt = 1; attempt < 4 && inputLufs !== null; attempt += 1) {
      if (rendered.outputLufs === null || rendered.reductionDb === 0) break;
      const error = rendered.outputLufs - options.targetLufs;
      if (Math.abs(error) < 0.1) break;
      const slope =
        previous && previous.gainDb !== gainDb ? (error - previous.error) / (gainDb - previous.gainDb) : 1;
      previous = { gainDb, error };
      gainDb -= error / (slope > 0.05 ? slope : 1);
      rendered = render(input, output, options, chunk, gainDb, ceiling);
    }
    fsyncSync(output);
    closeSync(output);
    renameSync(temporaryPath, options.wavPath);
    return {
      method: 'bs1770',
      inputLufs,
      outputLufs: rendered.outputLufs,
      gainDb,
      limiterReductionDb: rendered.reductionDb,
      durationSeconds: options.sampleCount / options.sampleRate,
      bytes: 44 + dataBytes,
    };
  } catch (error) {
    try {
      closeSync(output);
    } catch {
      // already closed
    }
    rmSync(temporaryPath, { force: true });
    throw error;
  } finally {
    closeSync(input);
  }
}
