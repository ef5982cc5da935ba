import { readFileSync } from 'node:fs';
import { normalizeText } from '@klody/memory';
import { testDataPath } from '@klody/test-helpers';
import { describe, expect, it } from 'vitest';
import { mainCharacters } from './whole-book-characters.js';

describe('mainCharacters', () => {
  it('counts capitalised names inside sentences, not sentence openers, titles or common words', () => {
    const text = [
      'The cat saw Anna near the river. Then Anna spoke to Mr. Brown.',
      'Anna laughed, and Mr. Brown smiled at Anna while the River flowed.',
      'The river was cold; the river was wide. Anna and Mr. Brown left with Anna.',
    ].join('\n\n');
    const found = mainCharacters(text, 5, 2);
    expect(found.map((character) => character.name)).toEqual(['Anna', 'Brown']);
    expect(found[0]?.mentions).toBe(4);
  });

  it('joins two names that go together', () => {
    const text = Array.from({ length: 6 }, () => 'They met Phileas Fogg at the club, and Fogg spoke.').join(
      ' ',
    );
    expect(mainCharacters(text, 3, 2).map((character) => character.name)).toEqual(['Phileas Fogg']);
  });

  it("finds Alice's main characters in the shared book", () => {
    const text = normalizeText(readFileSync(testDataPath('books/en/11-0.txt'), 'utf8'));
    const names = mainCharacters(text).map((character) => character.name);
    expect(names[0]).toBe('Alice');
    expect(names).toEqual(expect.arrayContaining(['Mock Turtle', 'Hatter', 'Gryphon', 'Duchess']));
  });
});
