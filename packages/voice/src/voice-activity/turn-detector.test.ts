import { describe, expect, it } from 'vitest';
import { speechTimestamps } from '../engines/silero-vad/speech-timestamps.js';
import {
  createTurnDetector,
  defaultTurnDetectorOptions,
  type TurnDetector,
  type TurnEvent,
} from './turn-detector.js';

const window = 512 / 16_000; // 32 ms, Silero's window

/** Pushes one probability per 32 ms window, from position 0. */
function pushAll(detector: TurnDetector, probabilities: number[]): void {
  for (const [index, probability] of probabilities.entries()) detector.push(probability, index * window);
}

/** Feeds one probability per 32 ms window; returns every event with the index of its window. */
function feed(probabilities: number[], options = {}) {
  const detector = createTurnDetector(options);
  const events: (TurnEvent & { window: number })[] = [];
  probabilities.forEach((probability, index) => {
    for (const event of detector.push(probability, index * window)) events.push({ ...event, window: index });
  });
  return { detector, events };
}

const repeat = (probability: number, windows: number) => Array<number>(windows).fill(probability);

describe('createTurnDetector', () => {
  it('announces speech once it has lasted minSpeechMs, backdated by speechPadMs', () => {
    const { detector, events } = feed([...repeat(0, 10), ...repeat(0.9, 12)]);
    // Speech from window 10 (0.32 s); 250 ms are exceeded at window 18 (8 windows = 256 ms later).
    expect(events).toEqual([{ type: 'speech-start', at: expect.closeTo(0.32 - 0.2, 9), window: 18 }]);
    expect(detector.speaking).toBe(true);
    expect(detector.speechDurationMs).toBeCloseTo(11 * 32, 6);
  });

  it('ends the turn after minSilenceMs under threshold - 0.15, padded', () => {
    const { detector, events } = feed([...repeat(0.9, 20), ...repeat(0.1, 30)]);
    // Silence from window 20 (0.64 s); 600 ms reached at window 39 (19 × 32 = 608 ms).
    expect(events.map(({ type, window: index }) => [type, index])).toEqual([
      ['speech-start', 8],
      ['speech-end', 39],
    ]);
    expect(events[0]?.at).toBe(0);
    expect(events[1]?.at).toBeCloseTo(0.64 + 0.2, 9);
    expect(detector.speaking).toBe(false);
    expect(detector.speechDurationMs).toBe(0);
  });

  it('keeps a pause shorter than minSilenceMs, and values between the thresholds, inside the turn', () => {
    const { events } = feed([
      ...repeat(0.9, 20),
      ...repeat(0.1, 15), // 480 ms: not enough to end
      ...repeat(0.9, 10),
      ...repeat(0.4, 40), // between 0.35 and 0.5: neither speech nor silence, the turn goes on
      ...repeat(0.2, 25),
    ]);
    expect(events.map((event) => event.type)).toEqual(['speech-start', 'speech-end']);
    expect(events[1]?.at).toBeCloseTo(85 * window + 0.2, 9);
  });

  it('ignores blips shorter than minSpeechMs and announces nothing for silence', () => {
    const { detector, events } = feed([...repeat(0, 5), ...repeat(0.95, 7), ...repeat(0, 40), 0.9, 0]);
    expect(events).toEqual([]);
    expect(detector.speaking).toBe(false);
    expect(detector.end()).toEqual([]);
  });

  it('does not count a pause in progress in speechDurationMs (barge-in after 500 ms of speech)', () => {
    const detector = createTurnDetector();
    const durations: number[] = [];
    const probabilities = [...repeat(0.9, 10), ...repeat(0.1, 12), ...repeat(0.9, 10)];
    probabilities.forEach((probability, index) => {
      detector.push(probability, index * window);
      durations.push(detector.speechDurationMs);
    });
    expect(durations[7]).toBe(0); // not announced yet
    expect(durations[8]).toBeCloseTo(256, 6);
    expect(durations[21]).toBeCloseTo(320, 6); // frozen at the start of the pause
    expect(durations[31]).toBeCloseTo(992, 6); // the pause was short: it belongs to the turn again
    expect(durations.findIndex((duration) => duration >= 500)).toBe(22);
  });

  it('closes an open turn at end(), at the start of a trailing pause plus padding', () => {
    const detector = createTurnDetector();
    for (let index = 0; index < 20; index += 1) detector.push(0.9, index * window);
    expect(detector.end(1)).toEqual([{ type: 'speech-end', at: 1 }]);
    const paused = createTurnDetector();
    pushAll(paused, [...repeat(0.9, 20), ...repeat(0, 5)]);
    expect(paused.end(2)).toEqual([{ type: 'speech-end', at: expect.closeTo(0.64 + 0.2, 9) }]);
    // Speech cut short by the end of the audio, long enough counted to the end, is announced and closed.
    const late = createTurnDetector();
    pushAll(late, repeat(0.9, 5));
    expect(late.speaking).toBe(false);
    expect(late.end(0.5)).toEqual([
      { type: 'speech-start', at: 0 },
      { type: 'speech-end', at: 0.5 },
    ]);
  });

  it('never starts a turn before the end of the previous one, and starts over after reset()', () => {
    const options = { minSilenceMs: 100, speechPadMs: 200 };
    const { events } = feed(
      [...repeat(0.9, 10), ...repeat(0, 6), ...repeat(0.9, 10), ...repeat(0, 6)],
      options,
    );
    expect(events.map((event) => event.type)).toEqual([
      'speech-start',
      'speech-end',
      'speech-start',
      'speech-end',
    ]);
    expect(events[2]?.at).toBeGreaterThanOrEqual(events[1]?.at ?? Number.POSITIVE_INFINITY);
    const detector = createTurnDetector();
    for (let index = 0; index < 20; index += 1) detector.push(0.9, 5 + index * window);
    detector.reset();
    expect(detector.speaking).toBe(false);
    expect(detector.push(0.9, 0)).toEqual([]); // positions may start again from 0
  });

  it('gives the segments speechTimestamps gives on the same probabilities and options', () => {
    let state = 7;
    const random = () => {
      state = (state * 1664525 + 1013904223) % 4294967296;
      return state / 4294967296;
    };
    // Runs of speech, pauses and in-between values of random lengths: 100 sequences of ~20 s.
    for (let sequence = 0; sequence < 100; sequence += 1) {
      const probabilities: number[] = [];
      while (probabilities.length < 600) {
        const level = [0.05, 0.4, 0.9][Math.floor(random() * 3)] ?? 0;
        probabilities.push(...repeat(level, 1 + Math.floor(random() * 40)));
      }
      const options = { ...defaultTurnDetectorOptions, negativeThreshold: 0.35 };
      const total = probabilities.length * 512;
      const batch = speechTimestamps(probabilities, 512, 16_000, total, options);
      const { detector, events } = feed(probabilities, options);
      // A turn open at the end closes at the end of the audio in speechTimestamps: give it no pause.
      const ending = detector.end(total / 16_000);
      const turns: { start: number; end: number }[] = [];
      for (const event of [...events, ...ending]) {
        if (event.type === 'speech-start') turns.push({ start: event.at, end: Number.NaN });
        else (turns.at(-1) as { end: number }).end = event.at;
      }
      expect({ sequence, turns: turns.length }).toEqual({ sequence, turns: batch.length });
      turns.forEach((turn, index) => {
        expect(turn.start).toBeCloseTo(batch[index]?.start ?? Number.NaN, 6);
        // A turn still open at the end stops at a trailing pause here, at the end of the audio there.
        if (index < turns.length - 1) expect(turn.end).toBeCloseTo(batch[index]?.end ?? Number.NaN, 6);
        else expect(turn.end).toBeLessThanOrEqual((batch[index]?.end ?? Number.NaN) + 1e-6);
      });
    }
  });

  it('rejects bad options and bad input with invalid_options', () => {
    for (const options of [
      { threshold: 1.5 },
      { threshold: Number.NaN },
      { minSpeechMs: -1 },
      { minSilenceMs: Number.POSITIVE_INFINITY },
      { speechPadMs: -5 },
      { threshold: 0.3, negativeThreshold: 0.6 },
    ]) {
      expect(() => createTurnDetector(options)).toThrow(expect.objectContaining({ code: 'invalid_options' }));
    }
    const detector = createTurnDetector();
    expect(() => detector.push(Number.NaN, 0)).toThrow(expect.objectContaining({ code: 'invalid_options' }));
    detector.push(0.1, 1);
    expect(() => detector.push(0.1, 0.5)).toThrow(expect.objectContaining({ code: 'invalid_options' }));
    expect(defaultTurnDetectorOptions).toEqual({
      threshold: 0.5,
      minSpeechMs: 250,
      minSilenceMs: 600,
      speechPadMs: 200,
    });
  });
});
