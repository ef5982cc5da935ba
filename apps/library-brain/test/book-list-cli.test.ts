import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIngester, migrate } from '@klody/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { openLibraryDatabase } from '../src/database/open-database.js';
import { runLibraryBrain } from './support/run-library-brain.js';

const home = mkdtempSync(join(tmpdir(), 'klody-book-list-cli-'));

const libraryBrain = (...args: string[]) => runLibraryBrain(home, args);

const titles = (stdout: string) =>
  (JSON.parse(stdout) as { books: { title: string }[] }).books.map((book) => book.title);

describe('library-brain books, a page at a time', () => {
  beforeAll(async () => {
    const database = openLibraryDatabase(
      readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' }).databasePath,
    );
    await migrate(database);
    const ingester = createIngester({ database, preparationThreads: 0 });
    await ingester.ingest(
      ['Germinal', 'Nana', 'Candide', 'Emma', 'Persuasion'].map((title, index) => ({
        uri: `/library/${title}.txt`,
        title,
        text: `${title}, a book. `.repeat(20),
        metadata: { author: index < 2 ? 'Émile Zola' : index === 2 ? 'Voltaire' : 'Jane Austen' },
      })),
    );
    await ingester.close();
    database.close();
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('prints a page sorted by title, says how to see the next one, and lists every book with --all', () => {
    const page = libraryBrain('books', '--limit', '2', '--json');
    expect(page.code).toBe(0);
    expect(JSON.parse(page.stdout)).toMatchObject({ total: 5, offset: 0 });
    expect(titles(page.stdout)).toEqual(['Candide', 'Emma']);
    expect(titles(libraryBrain('books', '--limit', '2', '--offset', '2', '--json').stdout)).toEqual([
      'Germinal',
      'Nana',
    ]);

    const text = libraryBrain('books', '--limit', '2');
    expect(text.stdout).toContain('Candide');
    expect(text.stdout).toContain('books 1–2 of 5; next page: --offset 2; every book: --all');

    const all = libraryBrain('books', '--all', '--json');
    expect(titles(all.stdout)).toEqual(['Candide', 'Emma', 'Germinal', 'Nana', 'Persuasion']);
    expect(libraryBrain('books').stdout).not.toContain('next page');
    expect(titles(libraryBrain('books', '--query', 'EMILE', '--json').stdout)).toEqual(['Germinal', 'Nana']);
  });

  it('refuses a page size over 500 or a negative offset as bad usage (exit 2)', () => {
    const tooMany = libraryBrain('books', '--limit', '501');
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('at most 500');
    expect(libraryBrain('books', '--offset', '-1').code).toBe(2);
  });
});
