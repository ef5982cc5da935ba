import { readFileSync } from 'node:fs';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { describe, expect, it } from 'vitest';
import * as memory from '../index.js';
import { normalizeText } from './normalize.js';

describe('normalizeText', () => {
  it('drops the BOM, turns CRLF and CR into LF and composes to NFC', () => {
    expect(normalizeText('\uFEFFa\r\nb\rc  \r\ne\u0301')).toBe('a\nb\nc\n\u00e9');
  });

  it('keeps only the book between the Gutenberg markers', () => {
    const raw = [
      'The Project Gutenberg EBook of X',
      '*** START OF THIS PROJECT GUTENBERG EBOOK X ***',
      '',
      'Call me Ishmael.',
      '',
      'End of the Project Gutenberg EBook of X',
      '',
      '*** END OF THIS PROJECT GUTENBERG EBOOK X ***',
      'licence',
    ].join('\r\n');
    expect(normalizeText(raw)).toBe('Call me Ishmael.');
  });

  it('leaves a text without markers alone', () => {
    expect(normalizeText('Chapitre 1\n\nPhileas Fogg.')).toBe('Chapitre 1\n\nPhileas Fogg.');
  });

  it('is still exported under its old spelling, so consumers of normaliseText do not break', () => {
    const options: memory.NormaliseOptions = { stripGutenberg: false };
    expect(memory.normalizeText).toBe(normalizeText);
    expect(memory.normaliseText).toBe(normalizeText);
    expect(memory.normaliseText('a\r\nb', options)).toBe('a\nb');
  });
});

describeRequiring(
  {
    data: [
      'books/en/2701-0.txt',
      'books/fr/20000-Lieues-sous-les-mers.txt',
      'books/fr/Le-tour-du-mond-quatre-vingts-jours.txt',
      'books/fr/Candide.txt',
    ],
  },
  'normalizing the shared books',
  () => {
    const read = (name: string) => readFileSync(testDataPath('books', ...name.split('/')), 'utf8');

    it('strips header, footer and licence from a BOM + CRLF book', () => {
      const text = normalizeText(read('en/2701-0.txt'));
      expect(text.startsWith('\uFEFF')).toBe(false);
      expect(text).not.toContain('\r');
      expect(text).not.toMatch(/START OF THIS PROJECT|END OF THIS PROJECT|FULL LICENSE|under the terms/i);
      expect(text.startsWith('Produced by')).toBe(true);
      expect(text.endsWith('found another orphan.')).toBe(true);
      expect(text).toContain('Call me Ishmael.');
    });

    it('drops the old "Small Print" block after the END marker of an LF book', () => {
      const text = normalizeText(read('fr/20000-Lieues-sous-les-mers.txt'));
      expect(text).not.toMatch(/SMALL PRINT/i);
      expect(text).not.toMatch(/START OF THE PROJECT/);
      expect(text.length).toBeGreaterThan(500_000);
    });

    it('keeps a book with no Gutenberg header whole', () => {
      const raw = read('fr/Le-tour-du-mond-quatre-vingts-jours.txt');
      const text = normalizeText(raw);
      expect(text.length).toBeGreaterThan(raw.trim().length * 0.99);
      expect(text).toContain('Phileas Fogg');
    });

    it('cuts the closing "End of the Project Gutenberg" line too', () => {
      const text = normalizeText(read('fr/Candide.txt'));
      expect(text).not.toMatch(/End of the Project Gutenberg|FULL LICENSE|should be named/i);
      expect(text).toContain('Candide');
    });
  },
);
