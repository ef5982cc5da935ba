import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openVocalBrainDatabase, type VocalBrainDatabase } from '../database/open-database.js';
import { createEngineMeasurements } from './engine-measurements.js';

let database: VocalBrainDatabase | null = null;
afterEach(() => database?.close());

function open(path = join(mkdtempSync(join(tmpdir(), 'vocalbrain-measurements-')), 'vocalbrain.db')) {
  database = openVocalBrainDatabase(path);
  return { path, measurements: createEngineMeasurements(database.getConnection(), { window: 5 }) };
}

describe('engine measurements', () => {
  it('has no figures before the first measurement', () => {
    const { measurements } = open();
    expect(measurements.figures('piper')).toEqual({
      engine: 'piper',
      firstAudioMs: null,
      realTimeFactor: null,
      samples: 0,
      measuredAt: null,
    });
  });

  it('gives the running median of the last measurements, so one cold start does not count', () => {
    const { measurements } = open();
    for (const firstAudioMs of [2_000, 120, 130, 110]) {
      measurements.record('piper', { firstAudioMs, realTimeFactor: firstAudioMs / 1000, source: 'request' });
    }
    expect(measurements.figures('piper').firstAudioMs).toBe(125);
    // The window keeps the last 5: the cold start leaves it.
    for (const firstAudioMs of [100, 90])
      measurements.record('piper', { firstAudioMs, realTimeFactor: null, source: 'request' });
    const figures = measurements.figures('piper');
    expect(figures.samples).toBe(5);
    expect(figures.firstAudioMs).toBe(110);
    expect(figures.realTimeFactor).toBe(0.12);
  });

  it('keeps engines apart, ignores impossible values, and keeps them in the file', () => {
    const { path, measurements } = open();
    measurements.record('espeak-ng', { firstAudioMs: 40, realTimeFactor: 0.03, source: 'calibration' });
    measurements.record('espeak-ng', { firstAudioMs: Number.NaN, realTimeFactor: 0.03, source: 'request' });
    measurements.record('piper', {
      firstAudioMs: 150,
      realTimeFactor: Number.POSITIVE_INFINITY,
      source: 'request',
    });
    database?.close();
    const reopened = open(path).measurements;
    expect(
      reopened.all().map(({ engine, firstAudioMs, realTimeFactor, samples }) => ({
        engine,
        firstAudioMs,
        realTimeFactor,
        samples,
      })),
    ).toEqual([
      { engine: 'espeak-ng', firstAudioMs: 40, realTimeFactor: 0.03, samples: 1 },
      { engine: 'piper', firstAudioMs: 150, realTimeFactor: null, samples: 1 },
    ]);
  });
});
