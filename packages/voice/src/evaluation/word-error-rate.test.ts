import { describe, expect, it } from 'vitest';
import { wordErrorRate } from './word-error-rate.js';

describe('wordErrorRate', () => {
  it('counts substitutions, deletions and insertions after normalization', () => {
    expect(wordErrorRate('Ask not, what your country!', 'ask not what your country')).toMatchObject({
      rate: 0,
    });
    expect(wordErrorRate('the cat sat on the mat', 'the bat sat on mat')).toEqual({
      rate: 2 / 6,
      substitutions: 1,
      deletions: 1,
      insertions: 0,
      referenceWords: 6,
    });
    expect(wordErrorRate('a b', 'a x b y')).toMatchObject({ rate: 1, insertions: 2 });
    expect(wordErrorRate('', 'anything').rate).toBeNull();
    expect(wordErrorRate('one two three', '').rate).toBe(1);
  });
});
