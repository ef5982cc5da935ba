import { describe, expect, it } from 'vitest';
import { foldForSearch, maximumBookPageSize, pageOfBooks } from './book-list.js';
import { bookPageFooter } from './book-list-footer.js';
import type { Book } from './library.js';

function book(id: number, title: string, author: string | null = null, state: Book['state'] = 'ready'): Book {
  return {
    id,
    title,
    author,
    language: 'en',
    path: `/books/${id}.txt`,
    chunks: id,
    shelves: [],
    state,
    error: null,
  };
}

describe('foldForSearch', () => {
  it('drops case and accents, keeping the letters', () => {
    expect(foldForSearch('Émile ZOLA — Thérèse Raquin')).toBe('emile zola — therese raquin');
    expect(foldForSearch('Ça, c’est Noël')).toBe('ca, c’est noel');
  });
});

describe('pageOfBooks', () => {
  const books = Array.from({ length: 120 }, (_, index) => book(index + 1, `Book ${index + 1}`));

  it('pages the books sorted by title (numbers in order), with the total', () => {
    const first = pageOfBooks(books);
    expect(first.total).toBe(120);
    expect(first.books.map((entry) => entry.title).slice(0, 3)).toEqual(['Book 1', 'Book 2', 'Book 3']);
    expect(first.books).toHaveLength(50);
    const last = pageOfBooks(books, { offset: 100, limit: 50 });
    expect(last.books.map((entry) => entry.id)).toEqual(
      Array.from({ length: 20 }, (_, index) => 101 + index),
    );
    const seen = [0, 50, 100].flatMap((offset) =>
      pageOfBooks(books, { offset }).books.map((entry) => entry.id),
    );
    expect(new Set(seen).size).toBe(120);
    expect(pageOfBooks(books, { offset: 500 }).books).toEqual([]);
  });

  it('bounds the page size', () => {
    const many = Array.from({ length: 700 }, (_, index) => book(index + 1, `T${index}`));
    expect(pageOfBooks(many, { limit: 10_000 }).books).toHaveLength(maximumBookPageSize);
    expect(pageOfBooks(many, { limit: 0 }).books).toHaveLength(1);
  });

  it('finds books by words of the title or author, whatever their case and accents', () => {
    const library = [
      book(1, 'Thérèse Raquin', 'Émile Zola'),
      book(2, 'Germinal', 'Émile Zola'),
      book(3, 'Candide', 'Voltaire'),
      book(4, 'Les Misérables', 'Victor Hugo'),
    ];
    expect(pageOfBooks(library, { query: 'emile' }).books.map((entry) => entry.title)).toEqual([
      'Germinal',
      'Thérèse Raquin',
    ]);
    expect(pageOfBooks(library, { query: 'ZOLA therese' }).books.map((entry) => entry.id)).toEqual([1]);
    expect(pageOfBooks(library, { query: 'misérables' }).total).toBe(1);
    expect(pageOfBooks(library, { query: 'miserables hugo' }).total).toBe(1);
    expect(pageOfBooks(library, { query: 'dickens' })).toMatchObject({ books: [], total: 0 });
    // Words are matched from their beginning, as they are typed: "ola" is not "Zola".
    expect(pageOfBooks(library, { query: 'zol' }).total).toBe(2);
    expect(pageOfBooks(library, { query: 'ola' }).total).toBe(0);
    expect(pageOfBooks(library, { query: '   ' }).total).toBe(4);
  });

  it('counts the books waiting, being ingested or ready in the whole library, whatever the page shows', () => {
    const library = [
      book(1, 'A'),
      book(0, 'b.txt', null, 'pending'),
      book(0, 'c.txt', null, 'ingesting'),
      book(0, 'd.txt', null, 'failed'),
    ];
    expect(pageOfBooks(library, { query: 'A', limit: 1 })).toMatchObject({
      total: 1,
      ingesting: 2,
      ready: 1,
    });
  });
});

describe('bookPageFooter', () => {
  it('says which books are shown and how to see the others', () => {
    expect(bookPageFooter(0, 3, 3)).toBe('');
    expect(bookPageFooter(0, 50, 120)).toBe('books 1–50 of 120; next page: --offset 50; every book: --all\n');
    expect(bookPageFooter(100, 20, 120)).toBe('books 101–120 of 120; every book: --all\n');
    expect(bookPageFooter(200, 0, 120)).toBe('books none of 120; every book: --all\n');
  });
});
