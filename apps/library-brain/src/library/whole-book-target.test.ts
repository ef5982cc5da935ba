import { describe, expect, it } from 'vitest';
import { chooseBook } from './whole-book-target.js';

const books = [
  { id: 1, title: 'Moby Dick; or, The Whale' },
  { id: 2, title: 'Alice’s Adventures in Wonderland' },
  { id: 3, title: 'Candide' },
  { id: 4, title: 'Candide, Part Two' },
];

describe('chooseBook', () => {
  it.each([
    ['moby dick', 'summarise chapter 1 of moby dick', 1],
    ['alice in wonderland', 'list the chapters of alice in wonderland', 2],
    ['the whale', 'who are the main characters of the whale', 1],
  ])('%s names book %s', (reference, question, id) => {
    expect(chooseBook(books, null, reference, question)).toEqual({
      book: books.find((book) => book.id === id),
    });
  });

  it('finds a short title anywhere in the question', () => {
    expect(chooseBook(books, null, null, "Moby Dick's main characters")).toMatchObject({ book: { id: 1 } });
  });

  it('prefers the exact title, and asks which when several fit as well', () => {
    expect(chooseBook(books, null, 'candide', 'list the chapters of candide')).toMatchObject({
      book: { id: 3 },
    });
    expect(chooseBook(books, null, 'part two', 'x')).toMatchObject({ book: { id: 4 } });
    const twins = [
      { id: 7, title: 'Poems' },
      { id: 8, title: 'Poems' },
    ];
    expect(chooseBook(twins, null, 'poems', 'list the chapters of poems')).toEqual({ ambiguous: twins });
  });

  it('takes the book the filter selects, and asks which among several', () => {
    expect(chooseBook(books, [3], null, 'list the chapters')).toMatchObject({ book: { id: 3 } });
    expect(chooseBook(books, [1, 2], null, 'list the chapters')).toMatchObject({
      ambiguous: [{ id: 1 }, { id: 2 }],
    });
    expect(chooseBook(books, [1, 2], 'alice', 'list the chapters of alice')).toMatchObject({
      book: { id: 2 },
    });
  });

  it('names no book when nothing fits', () => {
    expect(chooseBook(books, null, null, 'list the chapters')).toEqual({ none: true });
    expect(chooseBook(books, null, 'war and peace', 'list the chapters of war and peace')).toEqual({
      none: true,
    });
    expect(chooseBook([books[0] as (typeof books)[0]], null, null, 'list the chapters')).toMatchObject({
      book: { id: 1 },
    });
  });
});
