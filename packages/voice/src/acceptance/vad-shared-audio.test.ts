import { readdirSync } from 'node:fs';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, expect, it } from 'vitest';
import { downmixToMono } from '../audio/resample.js';
import { readWavFile } from '../audio/wav-file.js';
import { createSileroVad } from '../engines/silero-vad/index.js';

function noise(seconds: number, rms: number, sampleRate: number, seed: number): Float32Array {
  let state = seed;
  // Uniform noise in [-a, a] has RMS a/√3.
  const amplitude = rms * Math.sqrt(3);
  return Float32Array.from({ length: seconds * sampleRate }, () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return (state / 4294967296 - 0.5) * 2 * amplitude;
  });
}

describeRequiring(
  { data: ['models/silero-vad/silero_vad.onnx', 'audio/en/jfk.wav', 'audio/fr'] },
  'Silero VAD on the shared recordings and on silence',
  () => {
    const vad = createSileroVad({ modelPath: testDataPath('models', 'silero-vad', 'silero_vad.onnx') });
    afterAll(() => vad.close());
    const frenchFiles = readdirSync(testDataPath('audio', 'fr')).filter((name) => name.endsWith('.wav'));

    it('finds the four phrases of jfk.wav, inside the recording', async () => {
      const audio = downmixToMono(await readWavFile(testDataPath('audio', 'en', 'jfk.wav')));
      const duration = audio.samples.length / audio.sampleRate;
      const segments = await vad.detect(audio.samples, audio.sampleRate);
      expect(segments.length).toBeGreaterThanOrEqual(3);
      const speech = segments.reduce((sum, segment) => sum + segment.end - segment.start, 0);
      expect(speech / duration).toBeGreaterThan(0.5);
      expect(speech / duration).toBeLessThan(0.95);
      for (const segment of segments) {
        expect(segment.start).toBeGreaterThanOrEqual(0);
        expect(segment.end).toBeLessThanOrEqual(duration);
      }
    });

    it('finds speech in every shared French recording', async () => {
      expect(frenchFiles.length).toBeGreaterThanOrEqual(6);
      for (const name of frenchFiles) {
        const audio = downmixToMono(await readWavFile(testDataPath('audio', 'fr', name)));
        const segments = await vad.detect(audio.samples, audio.sampleRate);
        const speech = segments.reduce((sum, segment) => sum + segment.end - segment.start, 0);
        expect({ name, found: segments.length > 0 && speech > 0.3 }).toEqual({ name, found: true });
      }
    });

    it('finds the same speech after resampling to 44.1 kHz', async () => {
      const audio = downmixToMono(await readWavFile(testDataPath('audio', 'en', 'jfk.wav')));
      const { resample } = await import('../audio/resample.js');
      const at16 = await vad.detect(audio.samples, 16_000);
      const at44 = await vad.detect(resample(audio.samples, 16_000, 44_100), 44_100);
      // A borderline pause may split differently; the speech found must be the same.
      const total = (segments: { start: number; end: number }[]) =>
        segments.reduce((sum, segment) => sum + segment.end - segment.start, 0);
      expect(Math.abs(total(at44) - total(at16)) / total(at16)).toBeLessThan(0.1);
      for (const segment of at16) {
        expect(at44.some((other) => other.start < segment.end && other.end > segment.start)).toBe(true);
      }
    });

    it('finds no speech in silence or in low noise', async () => {
      const sampleRate = 16_000;
      expect(await vad.detect(new Float32Array(5 * sampleRate), sampleRate)).toEqual([]);
      for (const [rms, seed] of [
        [0.001, 1],
        [0.003, 2],
        [0.01, 3],
      ] as const) {
        expect({ rms, segments: await vad.detect(noise(5, rms, sampleRate, seed), sampleRate) }).toEqual({
          rms,
          segments: [],
        });
      }
    });
  },
);
