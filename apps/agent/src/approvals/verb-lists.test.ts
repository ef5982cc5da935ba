import { describe, expect, it } from 'vitest';
import { destructiveWords, readWords, writeWords } from './verb-lists.js';

describe('verb lists', () => {
  it('put no word in two lists (the classifier would have to guess which one the author meant)', () => {
    const lists = { destructive: destructiveWords, write: writeWords, read: readWords };
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [list, words] of Object.entries(lists)) {
      for (const word of new Set(words)) {
        const other = seen.get(word);
        if (other && other !== list) twice.push(`${word} (${other}, ${list})`);
        seen.set(word, list);
      }
    }
    expect(twice).toEqual([]);
  });

  it('are written the way words are normalised: lower case, no accents', () => {
    const all = [...destructiveWords, ...writeWords, ...readWords];
    expect(
      all.filter(
        (word) =>
          word !==
          word
            .normalize('NFD')
            .replace(/\p{M}+/gu, '')
            .toLowerCase(),
      ),
    ).toEqual([]);
    expect(all.filter((word) => !/^[a-z]+$/.test(word))).toEqual([]);
  });
});
