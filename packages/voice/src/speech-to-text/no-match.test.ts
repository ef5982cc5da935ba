import { describe, expect, it } from 'vitest';
import { noMatchFor } from './no-match.js';

describe('noMatchFor', () => {
  const sampleRate = 16_000;
  const tone = (amplitude: number) =>
    Float32Array.from({ length: sampleRate }, (_, index) => amplitude * Math.sin(index / 4));

  it('calls audio below -60 dBFS silence, whatever the phrases', () => {
    expect(noMatchFor({ samples: new Float32Array(sampleRate), sampleRate }, 20).reason).toBe('silence');
    expect(noMatchFor({ samples: tone(0.0009), sampleRate }, null)).toEqual({
      reason: 'silence',
      message: 'no speech: the audio is silent (below -60 dBFS)',
    });
  });

  it('tells an unmatched phrase list from free-form recognition that found no words', () => {
    expect(noMatchFor({ samples: tone(0.0011), sampleRate }, 20)).toEqual({
      reason: 'no_phrase_matched',
      message: 'no match: the speech matched none of the 20 expected phrases',
    });
    expect(noMatchFor({ samples: tone(0.5), sampleRate }, null).reason).toBe('nothing_recognised');
  });
});
