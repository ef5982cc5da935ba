// The file normaliser on synthetic signals written as real PCM files: its meter agrees with
// @klody/voice's whole-buffer BS.1770 meter, the piecewise limiter gives the same samples whatever
// the piece size, and the result reaches the target under the peak ceiling.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, integratedLoudness } from '@klody/voice';
import { afterAll, describe, expect, it } from 'vitest';
import { createLoudnessMeter } from './loudness-meter.js';
import { normalizePcmFile } from './normalize-pcm-file.js';
import { appendPcm } from './pcm-work-file.js';

const sampleRate = 22_050;

/** Speech-like: a 220 Hz tone whose level jumps every 300 ms, with sharp clicks now and then (peaks). */
function speechLike(seconds: number): Float32Array {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  let level = 0.1;
  for (let index = 0; index < samples.length; index += 1) {
    if (index % Math.round(0.3 * sampleRate) === 0) level = 0.02 + ((index * 7919) % 97) / 400;
    samples[index] = level * Math.sin((2 * Math.PI * 220 * index) / sampleRate);
    if (index % 4_409 === 0) samples[index] = 0.9;
  }
  return samples;
}

describe('normalizePcmFile', () => {
  const folder = mkdtempSync(join(tmpdir(), 'vocalbrain-normalize-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const signal = speechLike(30);
  const pcmPath = join(folder, 'signal.pcm');
  appendPcm(pcmPath, signal);

  it('measures like the whole-buffer BS.1770 meter, fed in pieces', () => {
    const meter = createLoudnessMeter(sampleRate);
    for (let start = 0; start < signal.length; start += 9_999)
      meter.add(signal.subarray(start, start + 9_999));
    const whole = integratedLoudness({ samples: signal, sampleRate }) as number;
    expect(meter.integratedLufs()).toBeCloseTo(whole, 6);
  });

  it('reaches the target under the ceiling, the same samples whatever the piece size', () => {
    const render = (chunkSamples: number, name: string) => {
      const wavPath = join(folder, name);
      const result = normalizePcmFile({
        pcmPath,
        sampleCount: signal.length,
        sampleRate,
        wavPath,
        targetLufs: -16,
        chunkSamples,
      });
      const bytes = readFileSync(wavPath);
      return { result, bytes, wav: decodeWav(bytes) };
    };
    const large = render(1 << 20, 'large.wav');
    const small = render(50_021, 'small.wav');
    expect(large.result.limiterReductionDb).toBeGreaterThan(1);
    expect(Math.abs((large.result.outputLufs as number) + 16)).toBeLessThan(0.5);
    const samples = large.wav.channels[0] as Float32Array;
    expect(integratedLoudness({ samples, sampleRate })).toBeCloseTo(large.result.outputLufs as number, 1);
    let peak = 0;
    for (const value of samples) peak = Math.max(peak, Math.abs(value));
    expect(20 * Math.log10(peak)).toBeLessThanOrEqual(-1);
    // Byte for byte (toEqual over 661,500 samples would take seconds).
    expect(Buffer.compare(small.bytes, large.bytes)).toBe(0);
  });

  it('copies silence as it is', () => {
    const silentPath = join(folder, 'silent.pcm');
    appendPcm(silentPath, new Float32Array(sampleRate));
    const result = normalizePcmFile({
      pcmPath: silentPath,
      sampleCount: sampleRate,
      sampleRate,
      wavPath: join(folder, 'silent.wav'),
      targetLufs: -16,
    });
    expect(result).toMatchObject({ inputLufs: null, outputLufs: null, gainDb: 0, durationSeconds: 1 });
  });
});
