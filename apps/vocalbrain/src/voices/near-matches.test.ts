import { describe, expect, it } from 'vitest';
import { editDistance, nearMatches } from './near-matches.js';

describe('nearMatches', () => {
  it('measures edits without regard to case', () => {
    expect(editDistance('espeak', 'espeak-ng')).toBe(3);
    expect(editDistance('Piper', 'piper')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  const known = [
    'espeak-ng',
    'piper',
    'faster-whisper',
    'whisper-base',
    'pocketsphinx',
    'narrator',
    'en-us',
    'en-gb',
    'fr-fr',
  ];
  const table: [string, string[]][] = [
    ['espeak', ['espeak-ng']],
    ['pipr', ['piper']],
    ['whisper-1', ['whisper-base']],
    ['narator', ['narrator']],
    ['en-uk', ['en-us', 'en-gb']],
    ['kokoro', []],
  ];
  for (const [name, expected] of table) {
    it(`${name} → ${expected.join(', ') || 'nothing'}`, () => {
      expect(nearMatches(name, known)).toEqual(expected);
    });
  }
});
