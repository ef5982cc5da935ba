import { describe, expect, it } from 'vitest';
import { resample } from './resample.js';
import { createStreamingResampler } from './streaming-resampler.js';

// Speech-like test audio: a few tones and seeded noise, so that every kernel tap matters.
function testAudio(length: number, sampleRate: number, seed = 1): Float32Array {
  let state = seed;
  const noise = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648 - 0.5;
  };
  return Float32Array.from(
    { length },
    (_, index) =>
      0.3 * Math.sin((2 * Math.PI * 220 * index) / sampleRate) +
      0.2 * Math.sin((2 * Math.PI * 3100 * index) / sampleRate) +
      0.2 * noise(),
  );
}

/** Block sizes from a seeded sequence (1 to `largest` samples, some empty), as a stream gives them. */
function blockSizes(total: number, largest: number, seed = 7): number[] {
  const sizes: number[] = [];
  let state = seed;
  let left = total;
  while (left > 0) {
    state = (state * 48_271) % 2_147_483_647;
    const size = Math.min(left, state % (largest + 1));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

function blockWise(samples: Float32Array, fromRate: number, toRate: number, sizes: number[]): Float32Array {
  const resampler = createStreamingResampler(fromRate, toRate);
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    parts.push(resampler.push(samples.subarray(offset, offset + size)));
    offset += size;
  }
  expect(offset).toBe(samples.length);
  parts.push(resampler.end());
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let largest = 0;
  for (let index = 0; index < Math.min(a.length, b.length); index += 1)
    largest = Math.max(largest, Math.abs((a[index] ?? 0) - (b[index] ?? 0)));
  return largest;
}

describe('createStreamingResampler', () => {
  const cases: [number, number][] = [
    [22_050, 24_000], // espeak-ng and Piper to OpenAI's pcm
    [16_000, 24_000],
    [24_000, 22_050],
    [48_000, 16_000],
    [8_000, 44_100],
  ];
  for (const [fromRate, toRate] of cases) {
    it(`gives block by block the samples resample gives whole, ${fromRate} Hz to ${toRate} Hz`, () => {
      const samples = testAudio(Math.round(fromRate * 0.7) + 13, fromRate);
      const whole = resample(samples, fromRate, toRate);
      for (const sizes of [
        [samples.length],
        blockSizes(samples.length, 1),
        blockSizes(samples.length, 37),
        blockSizes(samples.length, 2205),
        [0, 5, 0, samples.length - 5, 0],
      ]) {
        const streamed = blockWise(samples, fromRate, toRate, sizes);
        expect(streamed.length).toBe(whole.length);
        expect(maxAbsDifference(streamed, whole)).toBe(0);
      }
    });
  }

  it('gives its first output after the first block, not only at the end', () => {
    const samples = testAudio(22_050, 22_050);
    const resampler = createStreamingResampler(22_050, 24_000);
    const first = resampler.push(samples.subarray(0, 2205));
    // All but the kernel's reach (26 input samples) of the first 0.1 s is out at once.
    expect(first.length).toBeGreaterThan(2300);
    expect(first.length).toBeLessThanOrEqual(2400);
    expect(maxAbsDifference(first, resample(samples, 22_050, 24_000).subarray(0, first.length))).toBe(0);
  });

  it('matches resample on audio shorter than the kernel, on nothing, and at equal rates', () => {
    for (const length of [0, 1, 3, 30]) {
      const samples = testAudio(length, 22_050, length + 3);
      const whole = resample(samples, 22_050, 24_000);
      const streamed = blockWise(samples, 22_050, 24_000, blockSizes(length, 2));
      expect(streamed.length).toBe(whole.length);
      expect(maxAbsDifference(streamed, whole)).toBe(0);
    }
    const same = testAudio(500, 16_000);
    expect(Array.from(blockWise(same, 16_000, 16_000, [100, 400]))).toEqual(Array.from(same));
  });

  it('ends a long stream (200 blocks) at the length resample gives', () => {
    const resampler = createStreamingResampler(22_050, 24_000);
    const block = testAudio(4410, 22_050);
    let total = 0;
    for (let round = 0; round < 200; round += 1) total += resampler.push(block).length;
    total += resampler.end().length;
    expect(total).toBe(Math.round(4410 * 200 * (24_000 / 22_050)));
  });

  it('refuses bad rates and a push after the end', () => {
    expect(() => createStreamingResampler(0, 24_000)).toThrow(/cannot resample/);
    expect(() => createStreamingResampler(22_050, Number.NaN)).toThrow(/cannot resample/);
    const resampler = createStreamingResampler(22_050, 24_000);
    resampler.end();
    expect(() => resampler.push(new Float32Array(4))).toThrow(/already ended/);
  });
});
