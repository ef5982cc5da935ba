import { readdirSync } from 'node:fs';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { toMonoAt } from '../audio/resample.js';
import { readWavFile } from '../audio/wav-file.js';
import { createSileroVad } from '../engines/silero-vad/silero-vad.js';
import { createStreamingVoiceActivity } from './streaming-voice-activity.js';
import { defaultTurnDetectorOptions, type TurnEvent } from './turn-detector.js';
import type { VoiceActivityStream } from './voice-activity-stream.js';

/**
 * A fake VAD stream: 4-sample windows whose probability is their first sample, answered after a
 * delay that shrinks with each push, so that unserialised pushes would finish out of order.
 */
function createFakeProbabilityStream(): VoiceActivityStream & { received: number[][] } {
  let remainder: number[] = [];
  let delay = 30;
  const received: number[][] = [];
  return {
    sampleRate: 100,
    windowSamples: 4,
    received,
    async push(pcm) {
      received.push([...pcm]);
      const samples = [...remainder, ...pcm];
      const windows = Math.floor(samples.length / 4);
      remainder = samples.slice(windows * 4);
      delay = Math.max(0, delay - 10);
      await new Promise((resolve) => setTimeout(resolve, delay));
      return Float32Array.from({ length: windows }, (_, index) => samples[index * 4] ?? 0);
    },
    reset() {
      remainder = [];
    },
  };
}

function toTurns(events: TurnEvent[]): { start: number; end: number }[] {
  const turns: { start: number; end: number }[] = [];
  for (const event of events) {
    if (event.type === 'speech-start') turns.push({ start: event.at, end: Number.NaN });
    else (turns.at(-1) as { end: number }).end = event.at;
  }
  return turns;
}

describe('createStreamingVoiceActivity (fake VAD stream)', () => {
  it('serialises pushes, converts 16-bit frames and counts the position', async () => {
    const fake = createFakeProbabilityStream();
    const voice = createStreamingVoiceActivity({
      vad: { createStream: () => fake },
      minSpeechMs: 50,
      minSilenceMs: 80,
      speechPadMs: 0,
    });
    // 100 samples/s, 4-sample windows: 40 ms each. Speech (0.9) for 12 windows, then silence.
    const speech = Float32Array.from({ length: 48 }, () => 0.9);
    const loud = Int16Array.from({ length: 8 }, () => Math.round(0.9 * 32_768));
    const pending = [voice.push(speech.subarray(0, 10)), voice.push(speech.subarray(10)), voice.push(loud)];
    const silence = new Float32Array(40);
    pending.push(voice.push(silence));
    const results = await Promise.all(pending);
    expect(fake.received.map((frame) => frame.length)).toEqual([10, 38, 8, 40]);
    expect(fake.received[2]?.[0]).toBeCloseTo(0.9, 4);
    expect(results.map((events) => events.map((event) => event.type))).toEqual([
      [],
      ['speech-start'],
      [],
      ['speech-end'],
    ]);
    expect(results[1]?.[0]?.at).toBe(0);
    expect(results[3]?.[0]?.at).toBeCloseTo(0.56, 9); // 14 windows of speech, then silence
    expect(voice.position).toBeCloseTo(0.96, 9);
    expect(voice.speaking).toBe(false);
  });

  it('closes an open turn at end() and starts over at reset()', async () => {
    const fake = createFakeProbabilityStream();
    const voice = createStreamingVoiceActivity({
      vad: { createStream: () => fake },
      minSpeechMs: 150,
      speechPadMs: 0,
    });
    expect(
      (await voice.push(Float32Array.from({ length: 40 }, () => 0.9))).map((event) => event.type),
    ).toEqual(['speech-start']);
    expect(voice.speaking).toBe(true);
    expect(voice.speechDurationMs).toBeCloseTo(360, 6);
    const ignored = voice.push(Float32Array.from({ length: 40 }, () => 0.9));
    voice.reset();
    expect(await ignored).toEqual([]);
    expect(voice.position).toBe(0);
    expect(voice.speaking).toBe(false);
    // 4 windows (0 to 0.12 s) are not more than 150 ms; to the end of the audio (0.16 s) they are.
    expect(await voice.push(Float32Array.from({ length: 16 }, () => 0.9))).toEqual([]);
    expect(await voice.end()).toEqual([
      { type: 'speech-start', at: 0 },
      { type: 'speech-end', at: 0.16 },
    ]);
  });

  it('rejects bad options with invalid_options before opening a stream', () => {
    let opened = 0;
    const vad = {
      createStream: () => {
        opened += 1;
        return createFakeProbabilityStream();
      },
    };
    expect(() => createStreamingVoiceActivity({ vad, threshold: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(opened).toBe(0);
  });
});

describeRequiring(
  { data: ['models/silero-vad/silero_vad.onnx', 'audio/en/jfk.wav', 'audio/fr'] },
  'createStreamingVoiceActivity on the shared recordings (real Silero model)',
  () => {
    const vad = createSileroVad({ modelPath: testDataPath('models', 'silero-vad', 'silero_vad.onnx') });
    afterAll(() => vad.close());

    /** Streams a file in 20 ms 16-bit frames, as a WebSocket client sends them. */
    async function streamFile(...path: string[]) {
      const audio = toMonoAt(await readWavFile(testDataPath(...path)), 16_000).samples;
      const voice = createStreamingVoiceActivity({ vad });
      const events: TurnEvent[] = [];
      const pcm = Int16Array.from(audio, (sample) => Math.round(sample * 32_768));
      let longestSpeechMs = 0;
      for (let offset = 0; offset < pcm.length; offset += 320) {
        events.push(...(await voice.push(pcm.subarray(offset, offset + 320))));
        longestSpeechMs = Math.max(longestSpeechMs, voice.speechDurationMs);
      }
      events.push(...(await voice.end()));
      expect(voice.position).toBeCloseTo(audio.length / 16_000, 9);
      const batch = await vad.detect(audio, 16_000, defaultTurnDetectorOptions);
      return { audio, events, turns: toTurns(events), batch, longestSpeechMs };
    }

    it('gives on jfk.wav the turns detect() gives with the same options', async () => {
      const { events, turns, batch, longestSpeechMs } = await streamFile('audio', 'en', 'jfk.wav');
      // Events alternate, starting with a start.
      expect(events.map((event) => event.type)).toEqual(
        events.map((_, index) => (index % 2 === 0 ? 'speech-start' : 'speech-end')),
      );
      // With a 600 ms pause to end a turn, the four phrases of jfk.wav make three turns (0.15–2.44 s,
      // 3.10–4.62 s, 5.21 s to the end); detect() with its own 100 ms pauses cuts it finer.
      expect(turns.length).toBe(batch.length);
      expect(turns.length).toBe(3);
      turns.forEach((turn, index) => {
        expect(Math.abs(turn.start - (batch[index]?.start ?? Number.NaN))).toBeLessThan(0.05);
        expect(Math.abs(turn.end - (batch[index]?.end ?? Number.NaN))).toBeLessThan(0.05);
      });
      expect(longestSpeechMs).toBeGreaterThan(2000);
    });

    it('finds in every French command the turns detect() finds', async () => {
      const names = readdirSync(testDataPath('audio', 'fr')).filter((name) => name.endsWith('.wav'));
      for (const name of names) {
        const { turns, batch } = await streamFile('audio', 'fr', name);
        expect({ name, turns: turns.length }).toEqual({ name, turns: batch.length });
        expect(turns.length).toBeGreaterThanOrEqual(1);
        turns.forEach((turn, index) => {
          expect(Math.abs(turn.start - (batch[index]?.start ?? Number.NaN))).toBeLessThan(0.05);
          expect(Math.abs(turn.end - (batch[index]?.end ?? Number.NaN))).toBeLessThan(0.7);
        });
      }
    });
  },
);
