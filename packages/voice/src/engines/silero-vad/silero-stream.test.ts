import { readdirSync } from 'node:fs';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, expect, it } from 'vitest';
import { toMonoAt } from '../../audio/resample.js';
import { readWavFile } from '../../audio/wav-file.js';
import { createSileroVad } from './silero-vad.js';

/** Frame lengths from a seeded generator: zero, one, just under and over a window, and long runs. */
function frameLengths(total: number, seed: number): number[] {
  let state = seed;
  const random = () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
  const lengths: number[] = [0, 1, 511, 1, 512, 513];
  let used = lengths.reduce((sum, length) => sum + length, 0);
  while (used < total) {
    const length = Math.min(total - used, Math.floor(random() ** 3 * 4000));
    lengths.push(length);
    used += length;
  }
  return lengths;
}

async function readAt16k(...path: string[]): Promise<Float32Array> {
  return toMonoAt(await readWavFile(testDataPath(...path)), 16_000).samples;
}

describeRequiring(
  { data: ['models/silero-vad/silero_vad.onnx', 'audio/en/jfk.wav', 'audio/fr'] },
  'SileroVad.createStream (real model, shared recordings)',
  () => {
    const vad = createSileroVad({ modelPath: testDataPath('models', 'silero-vad', 'silero_vad.onnx') });
    afterAll(() => vad.close());

    it('gives, for jfk.wav pushed in random frames, exactly the probabilities of the whole file', async () => {
      const audio = await readAt16k('audio', 'en', 'jfk.wav');
      const whole = await vad.probabilities(audio, 16_000);
      for (const seed of [1, 2]) {
        const stream = vad.createStream();
        expect([stream.sampleRate, stream.windowSamples]).toEqual([16_000, 512]);
        const streamed: number[] = [];
        let offset = 0;
        for (const length of frameLengths(audio.length, seed)) {
          const frame = audio.slice(offset, offset + length);
          const pending = stream.push(frame);
          // The stream copies the frame: a caller reusing its buffer at once changes nothing.
          frame.fill(0);
          streamed.push(...(await pending));
          offset += length;
        }
        // Only complete windows are scored: the 11 s file ends on a partial one that probabilities() pads.
        expect(streamed.length).toBe(Math.floor(audio.length / 512));
        expect(Float32Array.from(streamed)).toEqual(whole.subarray(0, streamed.length));
        expect(streamed.filter((probability) => probability >= 0.5).length).toBeGreaterThan(150);
      }
    });

    it('matches probabilities() on every French recording, with pushes not awaited one by one', async () => {
      const names = readdirSync(testDataPath('audio', 'fr')).filter((name) => name.endsWith('.wav'));
      expect(names.length).toBeGreaterThanOrEqual(6);
      const stream = vad.createStream();
      for (const [index, name] of names.entries()) {
        const audio = await readAt16k('audio', 'fr', name);
        const whole = await vad.probabilities(audio, 16_000);
        stream.reset();
        // Fired all at once: the stream serialises them itself.
        const pushes: Promise<Float32Array>[] = [];
        let offset = 0;
        for (const length of frameLengths(audio.length, 10 + index)) {
          pushes.push(stream.push(audio.subarray(offset, offset + length)));
          offset += length;
        }
        const streamed = (await Promise.all(pushes)).flatMap((probabilities) => [...probabilities]);
        expect({ name, equal: Float32Array.from(streamed) }).toEqual({
          name,
          equal: whole.subarray(0, Math.floor(audio.length / 512)),
        });
      }
    });

    it('starts over after reset(), and reports a missing model on push', async () => {
      const audio = await readAt16k('audio', 'en', 'jfk.wav');
      const stream = vad.createStream();
      await stream.push(audio.subarray(0, 40_000));
      stream.reset();
      const again = await stream.push(audio.subarray(0, 16_000));
      const whole = await vad.probabilities(audio.subarray(0, 16_000), 16_000);
      expect(again).toEqual(whole.subarray(0, 31));
      // After close(), an open stream loads the model again and goes on from a fresh state.
      await vad.close();
      const fresh = await stream.push(audio.subarray(16_000, 32_000));
      expect(fresh.length).toBe(31);
      const missing = createSileroVad({ modelPath: '/nowhere/silero_vad.onnx' }).createStream();
      await expect(missing.push(new Float32Array(1024))).rejects.toMatchObject({
        code: 'engine_unavailable',
      });
    });
  },
);
