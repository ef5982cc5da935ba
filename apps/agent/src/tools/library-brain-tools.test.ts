// How Library Brain's answers are written for a small model: pure formatting and title lookup.
import { describe, expect, it } from 'vitest';
import type { LibraryBook, LibraryPassage } from '../organs/library-brain-client.js';
import { ToolError } from './agent-tool.js';
import {
  bookByTitle,
  createRemoveBookTool,
  formatAnswer,
  formatPassages,
  passageSource,
} from './library-brain-tools.js';

function passage(overrides: Partial<LibraryPassage> = {}): LibraryPassage {
  return {
    book: 'Candide',
    bookId: 1,
    chapter: 'CHAPITRE PREMIER',
    start: 120,
    end: 860,
    score: 0.5,
    text: 'Il y avait en Westphalie,\n dans le château de M. le baron…',
    ...overrides,
  };
}

function book(id: number, title: string): LibraryBook {
  return { id, title, author: null, language: 'fr', chunks: 10, state: 'ready' };
}

describe('formatPassages', () => {
  it('numbers passages with their book, chapter and offsets, on one line each', () => {
    expect(
      formatPassages('baron', [
        passage(),
        passage({ chapter: null, book: 'Alice', start: 5, end: 9, text: 'x' }),
      ]),
    ).toBe(
      '2 passages for "baron":\n[1] Candide, CHAPITRE PREMIER (characters 120–860): Il y avait en Westphalie, dans le château de M. le baron…\n[2] Alice (characters 5–9): x',
    );
  });

  it('cuts long passages and the whole list to their budgets, saying so', () => {
    const long = passage({ text: 'mot '.repeat(400) });
    const text = formatPassages(
      'mot',
      Array.from({ length: 10 }, () => long),
    );
    expect(text.length).toBeLessThanOrEqual(3_100);
    expect(text).toMatch(/\[truncated: \d+ more characters\]/);
    expect(text).toMatch(/\[truncated: \d+ more entries left out\]$/);
  });
});

describe('formatAnswer', () => {
  it('follows the answer with the sources it cites', () => {
    const citation = {
      n: 1,
      book: 'Candide',
      bookId: 1,
      chapter: null,
      start: 0,
      end: 40,
      text: 'Pangloss…',
    };
    expect(
      formatAnswer({
        answer: 'Pangloss enseignait la métaphysique [1].',
        refused: false,
        citations: [citation],
      }),
    ).toBe('Pangloss enseignait la métaphysique [1].\nSources:\n[1] Candide (characters 0–40)');
  });

  it('says plainly when the books do not answer', () => {
    expect(
      formatAnswer({ answer: 'The sources do not contain the answer.', refused: true, citations: [] }),
    ).toBe('The books do not answer this. The sources do not contain the answer.');
  });
});

describe('bookByTitle', () => {
  const books = [
    book(1, 'Candide'),
    book(2, 'Alice’s Adventures in Wonderland'),
    book(3, 'Les Misérables'),
    book(4, 'les misérables '),
  ];

  it('finds a book by its exact title, ignoring case and spaces around it', () => {
    expect(bookByTitle(books, '  CANDIDE ').id).toBe(1);
  });

  it('names the books there are when none has the title, and the ids when several have it', () => {
    expect(() => bookByTitle(books, 'Candid')).toThrow(
      /^no book is titled "Candid"\. Books: Candide \(id 1\); Alice/,
    );
    expect(() => bookByTitle(books, 'Les Misérables')).toThrow(
      'several books are titled "Les Misérables": id 3, id 4. Give the id.',
    );
    expect(() => bookByTitle([], 'Candide')).toThrow('no book is titled "Candide". Books: none');
  });
});

it('writes where a passage comes from', () => {
  expect(passageSource({ book: 'Candide', chapter: 'CHAPITRE\nII', start: 1, end: 2 })).toBe(
    'Candide, CHAPITRE II (characters 1–2)',
  );
});

it('remove_book accepts an id given as a number or as digits, and nothing empty', () => {
  const schema = createRemoveBookTool(null).inputSchema;
  expect(schema.parse({ book: 12 })).toEqual({ book: 12 });
  expect(schema.parse({ book: ' Candide ' })).toEqual({ book: 'Candide' });
  expect(schema.safeParse({ book: '' }).success).toBe(false);
  expect(schema.safeParse({ book: -1 }).success).toBe(false);
  expect(new ToolError('x')).toBeInstanceOf(Error);
});
