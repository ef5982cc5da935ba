import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeWhaleBooks } from '../src/testing/whale-books.js';
import { runLibraryBrain } from './support/run-library-brain.js';

const home = mkdtempSync(join(tmpdir(), 'klody-cli-filters-'));
const books = writeWhaleBooks(join(home, 'books'));

const libraryBrain = (...args: string[]) => runLibraryBrain(home, args);

function jsonLine(stdout: string): unknown {
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '');
}

describe('pnpm library-brain: filters, shelves and conversations', () => {
  beforeAll(() => {
    const shelved = libraryBrain('ingest', books.seaFolder, '--shelf', 'Sea', '--json');
    expect(shelved.code).toBe(0);
    expect(jsonLine(shelved.stdout)).toMatchObject({ added: 1 });
    const rest = libraryBrain('ingest', books.folder, '--json');
    expect(rest.code).toBe(0);
    expect(jsonLine(rest.stdout)).toMatchObject({ added: 2, unchanged: 1 });
  }, 120_000);

  it('searches inside --book, and lists the shelf given at ingestion', () => {
    const search = libraryBrain('search', 'whale harpoon', '--k', '4', '--book', 'Harbour Notes', '--json');
    expect(search.code).toBe(0);
    const { results } = jsonLine(search.stdout) as { results: { book: string }[] };
    expect(results.map((result) => result.book)).toEqual(Array(4).fill('Harbour Notes'));
    const listed = jsonLine(libraryBrain('books', '--json').stdout) as {
      books: { title: string; shelves: string[] }[];
    };
    expect(listed.books.find((book) => book.title === 'The Whale Almanac')?.shelves).toEqual(['Sea']);
  });

  it('exits 2 naming the near matches for an unknown author', () => {
    const search = libraryBrain('search', 'whale', '--author', 'Mary Docks', '--json');
    expect(search.code).toBe(2);
    expect(jsonLine(search.stdout)).toEqual({
      error: { code: 'invalid_request', message: 'no book is by "Mary Docks"; did you mean "Mary Dock"?' },
    });
    expect(search.stderr).toContain('did you mean "Mary Dock"?');
  });

  it('answers, prints the conversation, and answers a follow-up in it', () => {
    const first = libraryBrain('ask', 'Where was a whale seen from the pier?', '--book', 'Harbour Notes');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/\[1\] Harbour Notes/);
    const id = /conversation ([0-9a-f-]{36}) \(ask a follow-up with --conversation \1\)/.exec(
      first.stdout,
    )?.[1];
    expect(id).toBeDefined();
    const followUp = libraryBrain(
      'ask',
      'And what stands beside it?',
      '--conversation',
      id ?? '',
      '--book',
      'Harbour Notes',
      '--json',
    );
    expect(followUp.code).toBe(0);
    const answer = jsonLine(followUp.stdout) as {
      conversationId: string;
      standaloneQuestion: string;
      refused: boolean;
      citations: { book: string }[];
    };
    expect(answer.conversationId).toBe(id);
    expect(answer.standaloneQuestion).toBe('And what stands beside it? (whale seen pier)');
    expect(answer.refused).toBe(false);
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(answer.citations.every((citation) => citation.book === 'Harbour Notes')).toBe(true);
  });

  it('exits 2 for an unknown conversation', () => {
    const ask = libraryBrain('ask', 'And then?', '--conversation', 'no-such-conversation', '--json');
    expect(ask.code).toBe(2);
    expect(jsonLine(ask.stdout)).toEqual({
      error: { code: 'not_found', message: 'no conversation has the id "no-such-conversation"' },
    });
  });

  it('puts a book on a shelf and takes it off', () => {
    const add = libraryBrain('shelf', 'add', 'Harbour Notes', 'Ports', '--json');
    expect(add.code).toBe(0);
    expect(jsonLine(add.stdout)).toMatchObject({ book: { title: 'Harbour Notes', shelves: ['Ports'] } });
    const search = libraryBrain('search', 'whale', '--k', '20', '--shelf', 'ports', '--json');
    const { results } = jsonLine(search.stdout) as { results: { book: string }[] };
    expect(new Set(results.map((result) => result.book))).toEqual(new Set(['Harbour Notes']));
    expect(libraryBrain('shelf', 'remove', 'Harbour Notes', 'Ports').code).toBe(0);
    const again = libraryBrain('shelf', 'remove', 'Harbour Notes', 'Ports');
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('was not on "Ports"');
    const unknown = libraryBrain('shelf', 'add', 'Harbor Notes', 'Ports');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "Harbour Notes"?');
  });
});
