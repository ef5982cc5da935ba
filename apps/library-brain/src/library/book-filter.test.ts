import { MemoryError } from '@klody/memory';
import { describe, expect, it } from 'vitest';
import { type FilterableBook, nearMatches, resolveBookFilter } from './book-filter.js';

const books: FilterableBook[] = [
  { id: 1, title: 'Moby Dick; Or, The Whale', author: 'Herman Melville', language: 'en', shelves: ['Sea'] },
  { id: 2, title: 'Candide', author: 'Voltaire', language: 'fr', shelves: ['Philosophie', 'Classics'] },
  {
    id: 3,
    title: 'Vingt mille lieues sous les mers',
    author: 'Jules Verne',
    language: 'fr',
    shelves: ['Sea'],
  },
  { id: 4, title: 'Voyage au centre de la Terre', author: 'Jules Verne', language: 'fr', shelves: [] },
  { id: 5, title: "Alice's Adventures in Wonderland", author: 'Lewis Carroll', language: 'en', shelves: [] },
  { id: 6, title: 'Notes', author: null, language: null, shelves: [] },
];

function errorOf(run: () => unknown): MemoryError {
  try {
    run();
  } catch (error) {
    if (MemoryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('resolveBookFilter', () => {
  it.each([
    [undefined, null],
    [{}, null],
    [{ books: [], author: ' ', language: '', shelf: '' }, null],
    [{ books: ['2'] }, [2]],
    [{ books: ['Candide'] }, [2]],
    [{ books: ['candide '] }, [2]],
    [{ books: ['moby dick; or, the whale', '5'] }, [1, 5]],
    [{ author: 'Jules Verne' }, [3, 4]],
    [{ author: 'verne' }, [3, 4]],
    [{ author: 'Melville' }, [1]],
    [{ language: 'FR' }, [2, 3, 4]],
    [{ shelf: 'sea' }, [1, 3]],
    [{ shelf: 'Sea', language: 'fr' }, [3]],
    [{ author: 'Jules Verne', books: ['Voyage au centre de la Terre', 'Candide'] }, [4]],
  ])('%j allows %j', (filter, ids) => {
    expect(resolveBookFilter(filter, books)).toEqual(ids);
  });

  it.each([
    [
      { books: ['Moby Dik'] },
      /no book has the id or title "Moby Dik"; did you mean "Moby Dick; Or, The Whale"\?/,
    ],
    [{ books: ['99'] }, /no book has the id or title "99"/],
    [{ books: ['Candide', 'Candid'] }, /"Candid"; did you mean "Candide"\?/],
    [{ author: 'Jules Vernes' }, /no book is by "Jules Vernes"; did you mean "Jules Verne"\?/],
    [{ author: 'Tolstoy' }, /no book is by "Tolstoy"; the library has 4 authors/],
    [{ language: 'de' }, /no book is in the language "de"; the library's languages: en, fr/],
    [{ shelf: 'Philosophy' }, /no shelf is named "Philosophy"; did you mean "Philosophie"\?/],
    [
      { author: 'Voltaire', shelf: 'Sea' },
      /no book matches every part of the filter author "Voltaire", shelf "Sea"/,
    ],
  ])('%j is an invalid_argument error: %s', (filter, message) => {
    const error = errorOf(() => resolveBookFilter(filter, books));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toMatch(message);
  });
});

describe('nearMatches', () => {
  it('puts the names containing the text first, then the close spellings, at most three', () => {
    expect(
      nearMatches('verne', [
        'Jules Verne',
        'Vernes',
        'Herman Melville',
        'Verna',
        'Verne Troyer',
        'Jules Verne',
      ]),
    ).toEqual(['Jules Verne', 'Verne Troyer', 'Vernes']);
    expect(nearMatches('zzz', ['Candide'])).toEqual([]);
  });
});
