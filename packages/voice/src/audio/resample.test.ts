import { describe, expect, it } from 'vitest';
import { concatenateAudio } from './concatenate.js';
import { downmixToMono, resample, toMonoAt } from './resample.js';

function sine(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(sampleRate * seconds) },
    (_, index) => amplitude * Math.sin((2 * Math.PI * frequency * index) / sampleRate),
  );
}

function rms(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let index = from; index < to; index += 1) sum += (samples[index] ?? 0) ** 2;
  return Math.sqrt(sum / (to - from));
}

// Zero crossings per second / 2 estimates the frequency of a pure tone.
function frequencyOf(samples: Float32Array, sampleRate: number): number {
  let crossings = 0;
  for (let index = 1; index < samples.length; index += 1) {
    if ((samples[index - 1] ?? 0) < 0 !== (samples[index] ?? 0) < 0) crossings += 1;
  }
  return (crossings / 2) * (sampleRate / samples.length);
}

describe('resample', () => {
  it('keeps a 1 kHz tone at its pitch and level from 22.05 kHz to 16 kHz', () => {
    const output = resample(sine(1000, 22_050, 1), 22_050, 16_000);
    expect(output.length).toBe(16_000);
    expect(frequencyOf(output, 16_000)).toBeCloseTo(1000, -1);
    expect(rms(output, 1000, 15_000)).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('removes content above the new Nyquist frequency instead of aliasing it', () => {
    const output = resample(sine(11_000, 48_000, 0.5), 48_000, 16_000);
    expect(rms(output, 500, output.length - 500)).toBeLessThan(0.005);
  });

  it('upsamples too, and makes 16 kHz mono from stereo', () => {
    const up = resample(sine(440, 8000, 0.5), 8000, 44_100);
    expect(frequencyOf(up, 44_100)).toBeCloseTo(440, -1);
    const left = sine(500, 44_100, 0.5);
    const mono = toMonoAt({ channels: [left, left.map((value) => -value)], sampleRate: 44_100 });
    expect(mono.sampleRate).toBe(16_000);
    expect(rms(mono.samples)).toBeLessThan(1e-6);
    expect(downmixToMono({ channels: [left], sampleRate: 44_100 }).samples).toBe(left);
    expect(() => resample(left, 0, 16_000)).toThrow(/cannot resample/);
  });
});

describe('concatenateAudio', () => {
  it('joins pieces with silences, resampling the odd one', () => {
    const a = { samples: new Float32Array(100).fill(0.5), sampleRate: 1000 };
    const b = { samples: new Float32Array(200).fill(0.25), sampleRate: 2000 };
    const joined = concatenateAudio([a, b, a], { silenceSeconds: 0.05 });
    expect(joined.sampleRate).toBe(1000);
    expect(joined.samples.length).toBe(100 + 50 + 100 + 50 + 100);
    expect(joined.samples[120]).toBe(0);
    expect(joined.samples[50]).toBe(0.5);
    expect(joined.samples[200]).toBeCloseTo(0.25, 2);
    expect(() => concatenateAudio([a], { silenceSeconds: -1 })).toThrow(/silenceSeconds/);
  });
});
