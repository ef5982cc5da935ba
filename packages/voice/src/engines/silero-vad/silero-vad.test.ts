import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { createSileroVad } from './silero-vad.js';
import { defaultSpeechTimestampOptions, speechTimestamps } from './speech-timestamps.js';

describe('speechTimestamps', () => {
  it('applies hysteresis, minimum durations and padding like Silero', () => {
    // 32 ms windows at 16 kHz: 10 speech windows, a 2-window dip, 10 speech windows, silence, a blip.
    const probabilities = [
      0,
      0,
      ...Array(10).fill(0.9),
      0.4,
      0.2,
      ...Array(10).fill(0.8),
      ...Array(10).fill(0),
      0.9,
      0,
    ];
    const segments = speechTimestamps(
      probabilities,
      512,
      16_000,
      probabilities.length * 512,
      defaultSpeechTimestampOptions,
    );
    expect(segments).toHaveLength(1); // the 64 ms dip is shorter than 100 ms of silence; the blip is < 250 ms
    expect(segments[0]?.start).toBeCloseTo(0.064 - 0.03, 3);
    expect(segments[0]?.end).toBeCloseTo((24 * 512) / 16_000 + 0.03, 3);
  });
});

describeRequiring({ data: ['models/silero-vad/silero_vad.onnx'] }, 'Silero VAD (real model)', () => {
  const vad = createSileroVad({ modelPath: testDataPath('models', 'silero-vad', 'silero_vad.onnx') });
  afterAll(() => vad.close());

  it('rejects bad options and reports a missing model as engine_unavailable', async () => {
    await expect(vad.detect(new Float32Array(16_000), 16_000, { threshold: 2 })).rejects.toMatchObject({
      code: 'invalid_options',
    });
    const missing = createSileroVad({ modelPath: '/nowhere/silero_vad.onnx' });
    await expect(missing.detect(new Float32Array(16_000), 16_000)).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: expect.stringContaining('/nowhere/silero_vad.onnx'),
    });
  });
});
