import { describe, expect, it } from 'vitest';
import type { EngineMemoryRecord } from './engine-memory.js';
import { decideHeavy, defaultHeavyEngines } from './heavy-engines.js';

const gib = 1024 ** 3;
const measured = (gb: number): EngineMemoryRecord => ({
  engine: 'e',
  voice: '',
  peakBytes: gb * gib,
  lastBytes: gb * gib,
  measurements: 3,
  measuredAt: 0,
});
const rules = { heavyEngines: [...defaultHeavyEngines, 'xtts'], thresholdGb: 1, unmeasuredGb: 2 };

describe('decideHeavy', () => {
  it.each([
    ['espeak-ng', null, null, false, null],
    ['espeak-ng', null, measured(0.01), false, null],
    ['piper', 'en_US-joe-medium', measured(0.2), false, null],
    ['piper', 'en_US-lessac-high', null, true, 2],
    ['piper', 'en_US-lessac-high', measured(0.5), true, 0.5],
    ['piper', 'fr_FR-x-x_high', measured(0.75), true, 0.75],
    ['xtts', null, null, true, 2],
    ['whisper-large', null, measured(3.25), true, 3.25],
    ['whisper-large', null, measured(0.999), false, null],
  ] as const)('%s/%s measured %o → heavy %s, reserve %s GiB', (engine, voice, memory, heavy, gb) => {
    const decision = decideHeavy(engine, voice, memory, rules);
    expect(decision.heavy).toBe(heavy);
    expect(decision.reserveGb).toBe(gb);
    expect(decision.reason).toContain(voice ? `${engine}/${voice}` : engine);
  });
});
