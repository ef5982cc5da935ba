import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../config/config.js';
import { createLibrary } from './create-library.js';
import type { Library } from './library.js';

describeRequiring(
  { data: ['books/fr/Candide.txt', 'books/en/11-0.txt'] },
  'a library on real SQLite with real books',
  () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-library-'));
    const books = join(home, 'incoming');
    let library: Library;

    beforeAll(async () => {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(books);
      copyFileSync(testDataPath('books', 'fr', 'Candide.txt'), join(books, 'Candide.txt'));
      copyFileSync(testDataPath('books', 'en', '11-0.txt'), join(books, 'alice.txt'));
      writeFileSync(join(books, 'broken.pdf'), 'this is not a PDF');
      // An executable renamed as a book, and an empty file: neither may become a book.
      writeFileSync(join(books, 'program.txt'), readFileSync(process.execPath).subarray(0, 64 * 1024));
      writeFileSync(join(books, 'empty.txt'), '');
      library = await createLibrary(readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' }));
    });
    afterAll(() => library?.close());

    it('ingests a folder with titles, authors and languages, and reports the file it cannot read', async () => {
      const progress: number[] = [];
      const summary = await library.ingest([books], {
        onProgress: (update) => progress.push(update.fraction),
      });
      expect(summary.added).toBe(2);
      expect(
        summary.failed.map(({ path, code }) => ({ path, code })).sort((a, b) => a.path.localeCompare(b.path)),
      ).toEqual([
        { path: join(books, 'broken.pdf'), code: 'load_failed' },
        { path: join(books, 'program.txt'), code: 'binary_content' },
      ]);
      expect(summary.skipped.map((skip) => skip.path)).toEqual([join(books, 'empty.txt')]);
      expect(progress.at(-1)).toBe(1);
      const listed = library.books();
      expect(
        listed
          .filter((book) => book.state === 'ready')
          .map(({ title, author, language }) => ({ title, author, language })),
      ).toEqual([
        { title: 'Candide', author: 'Voltaire', language: 'fr' },
        { title: 'Alice’s Adventures in Wonderland', author: 'Lewis Carroll', language: 'en' },
      ]);
      expect(listed.find((book) => book.state === 'failed')?.error).toBeTruthy();
      expect(listed.every((book) => book.state === 'failed' || book.chunks > 10)).toBe(true);
    });

    it('is idempotent: a second run changes nothing', async () => {
      const summary = await library.ingest([books]);
      expect([summary.added, summary.updated, summary.unchanged]).toEqual([0, 0, 2]);
    });

    it('finds passages whose offsets slice to their text in the source', async () => {
      const [first] = await library.search('Pangloss métaphysico-théologo-cosmolonigologie', { k: 5 });
      expect(first?.book).toBe('Candide');
      expect(first?.text).toContain('Pangloss');
      const context = library.passage(first?.bookId ?? 0, first?.start ?? 0, first?.end ?? 0);
      expect(context?.text).toBe(first?.text);
      expect(context).toMatchObject({ book: 'Candide', bookId: first?.bookId, start: first?.start });
      // 600 characters on each side by default, fewer on request; nothing past the ends of the book.
      expect(context?.before.length).toBe(Math.min(600, first?.start ?? 0));
      expect(context?.after.length).toBe(600);
      const narrow = library.passage(first?.bookId ?? 0, first?.start ?? 0, first?.end ?? 0, 20);
      expect(narrow?.before).toBe(context?.before.slice(-20));
      expect(narrow?.after).toBe(context?.after.slice(0, 20));
      expect(library.passage(first?.bookId ?? 0, 0, 10_000_000)).toBeNull();
      expect(library.passage(first?.bookId ?? 0, 20, 10)).toBeNull();
      expect(library.passage(999_999, 0, 1)).toBeNull();
    });

    it('removes a book by exact title, with its passages', async () => {
      const removed = await library.remove('Candide');
      expect(removed?.title).toBe('Candide');
      expect(library.books().some((book) => book.title === 'Candide')).toBe(false);
      const results = await library.search('Pangloss', { k: 5 });
      expect(results.every((result) => result.book !== 'Candide')).toBe(true);
      expect(await library.remove('Candide')).toBeNull();
    });
  },
);
