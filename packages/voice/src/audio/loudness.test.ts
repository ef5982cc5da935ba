import { describe, expect, it } from 'vitest';
import { integratedLoudness, measureLoudness } from './loudness.js';
import { normalizeLoudness } from './normalize.js';

function sine(frequency: number, sampleRate: number, seconds: number, amplitude: number): Float32Array {
  return Float32Array.from(
    { length: Math.round(sampleRate * seconds) },
    (_, index) => amplitude * Math.sin((2 * Math.PI * frequency * index) / sampleRate),
  );
}

// A noise generator with a fixed seed: the same "speech-like" bursts every run.
function bursts(sampleRate: number, seconds: number): Float32Array {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  return Float32Array.from({ length: Math.round(sampleRate * seconds) }, (_, index) => {
    const t = index / sampleRate;
    const envelope = Math.max(0, Math.sin(2 * Math.PI * 1.5 * t)) ** 2;
    // Sharp clicks every 0.25 s give the burst a high peak-to-loudness ratio, like plosives.
    const click = index % Math.round(sampleRate / 4) < 3 ? 2.5 : 0;
    return envelope * (0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.4 * random()) + click;
  });
}

describe('integratedLoudness (BS.1770)', () => {
  it('measures the EBU reference tones: 1 kHz at -23 dBFS in stereo is -23 LUFS, mono is 3 dB lower', () => {
    const amplitude = 10 ** (-23 / 20);
    for (const sampleRate of [48_000, 44_100, 16_000]) {
      const tone = sine(1000, sampleRate, 5, amplitude);
      expect(integratedLoudness({ channels: [tone, tone], sampleRate })).toBeCloseTo(-23, 1);
      expect(integratedLoudness({ samples: tone, sampleRate })).toBeCloseTo(-26.01, 1);
    }
  });

  it('gates quiet passages out (relative gate) and gives null for silence or too-short audio', () => {
    const sampleRate = 48_000;
    const loud = sine(1000, sampleRate, 4, 10 ** (-20 / 20));
    const quiet = sine(1000, sampleRate, 4, 10 ** (-50 / 20));
    const both = new Float32Array(loud.length + quiet.length);
    both.set(loud);
    both.set(quiet, loud.length);
    const gated = integratedLoudness({ samples: both, sampleRate }) ?? 0;
    // Only the blocks straddling the step count a little of the quiet part; ungated it would be -26.
    expect(Math.abs(gated - (integratedLoudness({ samples: loud, sampleRate }) ?? 0))).toBeLessThan(0.3);
    expect(integratedLoudness({ samples: new Float32Array(sampleRate * 3), sampleRate })).toBeNull();
    expect(integratedLoudness({ samples: sine(1000, sampleRate, 0.3, 0.5), sampleRate })).toBeNull();
    const silent = measureLoudness({ samples: new Float32Array(sampleRate), sampleRate });
    expect(silent).toEqual({ integratedLufs: null, samplePeakDb: null, truePeakDb: null, gatedBlocks: 0 });
  });

  it('sees inter-sample peaks above the sample peak', () => {
    // A quarter-sample-rate sine sampled at 45°: samples at 0.707 of the real peak.
    const sampleRate = 48_000;
    const samples = Float32Array.from({ length: sampleRate }, (_, index) =>
      Math.sin((Math.PI / 2) * index + Math.PI / 4),
    );
    const measured = measureLoudness({ samples, sampleRate });
    expect(measured.samplePeakDb).toBeCloseTo(-3.01, 1);
    expect(measured.truePeakDb).toBeGreaterThan(-0.6);
  });
});

describe('normalizeLoudness', () => {
  it('reaches the target and keeps the true peak under -1 dBTP', () => {
    const sampleRate = 22_050;
    const samples = bursts(sampleRate, 6).map((value) => value * 0.05);
    const result = normalizeLoudness({ samples, sampleRate }, { targetLufs: -16 });
    expect(result.outputLufs).not.toBeNull();
    expect(Math.abs((result.outputLufs ?? 0) + 16)).toBeLessThan(0.2);
    expect(measureLoudness(result.audio).truePeakDb ?? 0).toBeLessThanOrEqual(-1);
    expect(result.limiterReductionDb).toBeGreaterThan(0);
  });

  it('turns a loud signal down without limiting', () => {
    const sampleRate = 16_000;
    const result = normalizeLoudness(
      { samples: sine(440, sampleRate, 3, 0.9), sampleRate },
      { targetLufs: -23 },
    );
    expect(result.gainDb).toBeLessThan(0);
    expect(result.limiterReductionDb).toBe(0);
    expect(result.outputLufs).toBeCloseTo(-23, 1);
  });

  it('refuses silence and absurd targets with clear errors', () => {
    expect(() => normalizeLoudness({ samples: new Float32Array(48_000), sampleRate: 48_000 })).toThrow(
      /silent/,
    );
    expect(() =>
      normalizeLoudness(
        { samples: sine(440, 16_000, 1, 0.5), sampleRate: 16_000 },
        { targetLufs: Number.NaN },
      ),
    ).toThrow(/target loudness/);
  });
});
