import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { describe, expect, it } from 'vitest';
import { analyse, tokenize } from './analyser.js';

/**
 * The definition the character scanner implements, kept as the reference: runs of letters and
 * digits joined by apostrophes, then elisions and possessives cut.
 */
function referenceTokenize(text: string): string[] {
  const elisions = new Set([
    'l',
    'd',
    'j',
    'm',
    'n',
    's',
    't',
    'c',
    'qu',
    'jusqu',
    'lorsqu',
    'puisqu',
    'quoiqu',
  ]);
  const words: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu)) {
    const parts = match[0].split(/['’]/);
    parts.forEach((part, index) => {
      const isElision = index < parts.length - 1 && elisions.has(part);
      const isPossessive = index > 0 && index === parts.length - 1 && (part === 's' || part === 't');
      if (part.length > 0 && !isElision && !isPossessive) words.push(part);
    });
  }
  return words;
}

describe('tokenize', () => {
  it('cuts French elisions and English possessives, keeps inner apostrophes as separators', () => {
    expect(tokenize("L'homme qu'il voyait jusqu'à l’été, Ahab's whale won't")).toEqual([
      'homme',
      'il',
      'voyait',
      'à',
      'été',
      'ahab',
      'whale',
      'won',
    ]);
  });

  it.each([
    "''quoted'' it's o'clock rock'n'roll x' 'y",
    'naïve café—test n°5 Ⅻ x² 3,14 2024-11-25',
    '𝒜𝒷𝒸 and 日本語の文 and emoji 🙂 between',
    'İstanbul ǅemal ß ΣΑΣ Ωmega',
    'e\u0301te\u0301 (decomposed accents split words, as in the index)',
    "trailing apostrophe' and ’ alone and a'’b",
  ])('matches the reference definition on %j', (text) => {
    expect(tokenize(text)).toEqual(referenceTokenize(text));
  });

  it('drops stop words and stems in the given language', () => {
    expect(analyse('The whales were swimming', { language: 'en' })).toEqual(['whale', 'swim']);
    expect(analyse("Les baleines nageaient dans l'océan", { language: 'fr' })).toEqual([
      'balein',
      'nag',
      'ocean',
    ]);
  });
});

describe('French stop words', () => {
  it('tell accented words apart from the stop words they look like without accents', () => {
    expect(analyse('Victor Hugo est né à Besançon, il en est sûr', { language: 'fr' })).toEqual([
      'victor',
      'hugo',
      'ne',
      'besancon',
      'sur',
    ]);
    expect(analyse('il ne le savait pas, il était sur le pont', { language: 'fr' })).toEqual(['sav', 'pont']);
  });
});

describeRequiring({ data: ['books'] }, 'tokenize on real books', () => {
  it('matches the reference definition on every line of every shared book', () => {
    const folder = testDataPath('books');
    const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) =>
      name.endsWith('.txt'),
    );
    expect(files.length).toBeGreaterThan(5);
    let lines = 0;
    for (const file of files) {
      for (const line of readFileSync(join(folder, file), 'utf8').split('\n')) {
        const got = tokenize(line);
        const expected = referenceTokenize(line);
        if (got.join('\u0000') !== expected.join('\u0000'))
          expect({ line, got }).toEqual({ line, got: expected });
        lines++;
      }
    }
    expect(lines).toBeGreaterThan(10_000);
  });
});
