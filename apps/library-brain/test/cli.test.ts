import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { beforeAll, expect, it } from 'vitest';
import { runLibraryBrain } from './support/run-library-brain.js';

const home = mkdtempSync(join(tmpdir(), 'klody-cli-'));

const libraryBrainWith = (env: Record<string, string>, ...args: string[]) =>
  runLibraryBrain(home, args, { env });

const libraryBrain = (...args: string[]) => libraryBrainWith({}, ...args);

function lastJsonLine(stdout: string): unknown {
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1); // --json: stdout is exactly one line
  return JSON.parse(lines[0] ?? '');
}

describeRequiring({ data: ['books/fr/Candide.txt', 'books/en/11-0.txt'] }, 'pnpm library-brain', () => {
  beforeAll(() => {
    const books = join(home, 'in');
    mkdirSync(books);
    copyFileSync(testDataPath('books', 'fr', 'Candide.txt'), join(books, 'Candide.txt'));
    copyFileSync(testDataPath('books', 'en', '11-0.txt'), join(books, 'alice.txt'));
    const ingest = libraryBrain('ingest', books, '--json');
    expect(ingest.code).toBe(0);
    expect(lastJsonLine(ingest.stdout)).toMatchObject({ added: 2, failed: [] });
  });

  it('lists books as one JSON line', () => {
    const books = libraryBrain('books', '--json');
    expect(books.code).toBe(0);
    const { books: listed } = lastJsonLine(books.stdout) as {
      books: { title: string; author: string; state: string }[];
    };
    // Sorted by title (`books` shows a page of the library: book-list.ts).
    expect(listed.map((book) => [book.title, book.author, book.state])).toEqual([
      ['Alice’s Adventures in Wonderland', 'Lewis Carroll', 'ready'],
      ['Candide', 'Voltaire', 'ready'],
    ]);
  });

  it('searches with the documented result shape', () => {
    const search = libraryBrain('search', 'White Rabbit waistcoat pocket watch', '--k', '3', '--json');
    expect(search.code).toBe(0);
    const { results } = lastJsonLine(search.stdout) as { results: Record<string, unknown>[] };
    expect(results).toHaveLength(3);
    expect(Object.keys(results[0] ?? {}).sort()).toEqual([
      'book',
      'chapter',
      'end',
      'score',
      'start',
      'text',
    ]);
    expect(results[0]?.book).toBe('Alice’s Adventures in Wonderland');
  });

  it('answers in French with citations carrying book, chapter and offsets', () => {
    const ask = libraryBrain('ask', "Qu'enseignait Pangloss ?", '--json');
    expect(ask.code).toBe(0);
    const answer = lastJsonLine(ask.stdout) as {
      answer: string;
      refused: boolean;
      citations: Record<string, unknown>[];
    };
    expect(answer.refused).toBe(false);
    expect(answer.answer).toMatch(/Pangloss/);
    expect(answer.citations[0]).toMatchObject({
      n: expect.any(Number),
      book: 'Candide',
      start: expect.any(Number),
      end: expect.any(Number),
    });
    expect(String(answer.citations[0]?.chapter)).toMatch(/CHAPITRE/i);
  });

  it('refuses what no book holds, in the question’s language', () => {
    const english = lastJsonLine(
      libraryBrain('ask', 'Which country won the 2018 FIFA World Cup?', '--json').stdout,
    );
    expect(english).toEqual({
      answer: expect.stringMatching(/sources do not contain/i),
      refused: true,
      citations: [],
      mode: 'extractive',
      fallback: null,
      // Every answer starts or continues a conversation; nothing was rewritten or translated here.
      conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      standaloneQuestion: null,
      rewrite: null,
      translatedQuestion: null,
    });
    const french = lastJsonLine(
      libraryBrain('ask', "Quelle est la capitale de l'Australie ?", '--json').stdout,
    );
    expect(french).toMatchObject({
      answer: expect.stringMatching(/sources ne contiennent pas/i),
      refused: true,
      citations: [],
    });
  });

  it('prints one JSON error line with --json when a command fails, and exits 1', () => {
    // A library file that is not a database: the command runs and fails.
    const broken = mkdtempSync(join(tmpdir(), 'klody-cli-broken-'));
    mkdirSync(join(broken, 'library-brain'));
    writeFileSync(join(broken, 'library-brain', 'library.db'), 'this is not a SQLite database '.repeat(200));
    const failed = libraryBrainWith({ KLODY_HOME: broken }, 'ask', 'Who is Pangloss?', '--json');
    expect(failed.code).toBe(1);
    expect(lastJsonLine(failed.stdout)).toEqual({
      error: { code: 'database_error', message: expect.stringMatching(/not a database/) },
    });
    expect(failed.stderr).toMatch(/database/);
  });

  it('prints one JSON error line with --json for bad usage or configuration, and exits 2', () => {
    const configuration = libraryBrainWith({ KLODY_GATEWAY_URL: 'ftp://127.0.0.1' }, 'ask', 'x', '--json');
    expect(configuration.code).toBe(2);
    expect(lastJsonLine(configuration.stdout)).toEqual({
      error: { code: 'invalid_configuration', message: expect.stringMatching(/KLODY_GATEWAY_URL/) },
    });
    const missing = libraryBrain('ingest', join(home, 'no-such-folder'), '--json');
    expect(missing.code).toBe(2);
    expect(lastJsonLine(missing.stdout)).toMatchObject({ error: { code: 'invalid_usage' } });
    const flag = libraryBrain('ask', 'x', '--json', '--frobnicate');
    expect(flag.code).toBe(2);
    expect(lastJsonLine(flag.stdout)).toMatchObject({
      error: { code: 'invalid_usage', message: expect.stringMatching(/frobnicate/) },
    });
  });

  it('exits 2 with a one-line message on bad usage or configuration', () => {
    const missing = libraryBrain('ingest', join(home, 'no-such-folder'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or folder/);
    expect(libraryBrain('search', 'x', '--k', 'zero').code).toBe(2);
    expect(libraryBrain('frobnicate').code).toBe(2);
  });

  it('serve exits 2 with one line for an unknown KLODY_LOG_LEVEL and for a port in use', async () => {
    const level = libraryBrainWith({ KLODY_LOG_LEVEL: 'loud' }, 'serve');
    expect(level.code).toBe(2);
    expect(level.stderr).toMatch(
      /^library-brain: invalid configuration: KLODY_LOG_LEVEL="loud" is not a log level/,
    );
    const taken = createServer();
    await new Promise<void>((listening) => taken.listen(0, '127.0.0.1', listening));
    try {
      const port = (taken.address() as AddressInfo).port;
      const busy = libraryBrain('serve', '--port', String(port));
      expect(busy.code).toBe(2);
      expect(busy.stderr.trim()).toBe(
        `library-brain: cannot listen on 127.0.0.1:${port}: EADDRINUSE; choose another port with --port or KLODY_LIBRARY_BRAIN_PORT`,
      );
    } finally {
      taken.close();
    }
  });
});
