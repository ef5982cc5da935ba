// The paged book list on a real library: real SQLite, real ingestion, counts kept by memory's writes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIngester } from '@klody/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config/config.js';
import { openLibraryDatabase } from '../database/open-database.js';
import { listAllBooks } from './book-list-all.js';
import { createLibrary } from './create-library.js';
import type { Library } from './library.js';

const paragraphs = (count: number, topic: string) =>
  Array.from({ length: count }, (_, index) =>
    `Paragraph ${index} tells how the ${topic} crossed the valley at dawn, and what the travellers said about it when the evening came. `.repeat(
      6,
    ),
  ).join('\n\n');

describe('the paged book list on a real library', () => {
  const home = mkdtempSync(join(tmpdir(), 'klody-book-list-'));
  const folder = join(home, 'books');
  const config = readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' });
  let library: Library;
  const chunksStored = () => {
    const database = openLibraryDatabase(config.databasePath);
    try {
      const rows = database
        .getConnection()
        .prepare(
          'SELECT s.uri AS path, count(c.id) AS chunks FROM memory_sources s LEFT JOIN memory_chunks c ON c.source_id = s.id GROUP BY s.id',
        )
        .all() as { path: string; chunks: number }[];
      return new Map(rows.map((row) => [row.path, row.chunks]));
    } finally {
      database.close();
    }
  };
  const listedChunks = () => new Map(listAllBooks(library).map((book) => [book.path, book.chunks]));

  beforeAll(async () => {
    mkdirSync(folder);
    for (let index = 1; index <= 75; index++) {
      const author = index % 3 === 0 ? 'Émile Zola' : 'Jane Austen';
      writeFileSync(
        join(folder, `book-${String(index).padStart(3, '0')}.txt`),
        `Volume ${index}\n\nby ${author}\n\n${paragraphs(1 + (index % 7), index % 2 ? 'river' : 'caravan')}`,
      );
    }
    library = await createLibrary(config);
    await library.ingest([folder]);
  }, 120_000);
  afterAll(async () => {
    await library?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('pages the books by title with their kept chunk counts, and finds them by author without accents', () => {
    const first = library.listBooks({ offset: 0, limit: 30 });
    expect(first.total).toBe(75);
    expect(first.ingesting).toBe(0);
    expect(first.books.slice(0, 3).map((book) => book.title)).toEqual(['Volume 1', 'Volume 2', 'Volume 3']);
    const pages = [0, 30, 60].flatMap((offset) => library.listBooks({ offset, limit: 30 }).books);
    expect(new Set(pages.map((book) => book.id)).size).toBe(75);
    expect(listedChunks()).toEqual(chunksStored());
    expect([...listedChunks().values()].some((chunks) => chunks > 1)).toBe(true);

    const zola = library.listBooks({ query: 'emile ZOLA', limit: 500 });
    expect(zola.total).toBe(25);
    expect(zola.books.every((book) => book.author === 'Émile Zola')).toBe(true);
    expect(library.listBooks({ query: 'volume 7' }).books.map((book) => book.title)).toEqual([
      'Volume 7',
      'Volume 70',
      'Volume 71',
      'Volume 72',
      'Volume 73',
      'Volume 74',
      'Volume 75',
    ]);
    // books() stays the whole list, for its other callers.
    expect(library.books()).toHaveLength(75);
  });

  it('keeps the counts right when a book is replaced by a longer one, removed, or added', async () => {
    const replaced = join(folder, 'book-001.txt');
    const before = listedChunks().get(replaced) ?? 0;
    writeFileSync(replaced, `Volume 1\n\nby Jane Austen\n\n${paragraphs(20, 'lighthouse')}`);
    const summary = await library.ingest([replaced]);
    expect(summary.updated).toBe(1);
    expect(listedChunks().get(replaced)).toBeGreaterThan(before);

    const removed = library.listBooks({ query: 'volume 2', limit: 1 }).books[0];
    expect(removed?.title).toBe('Volume 2');
    await library.remove(String(removed?.id));

    const added = join(folder, 'book-100.txt');
    writeFileSync(added, `Ångström Days\n\nby Anders Ångström\n\n${paragraphs(3, 'comet')}`);
    await library.ingest([added]);

    expect(listedChunks()).toEqual(chunksStored());
    expect(library.listBooks().total).toBe(75);
    expect(library.listBooks({ query: 'angstrom' }).books.map((book) => book.title)).toEqual([
      'Ångström Days',
    ]);
  });

  it('sees at once a book another connection wrote (another process ingesting the same library)', async () => {
    const before = library.listBooks();
    expect(library.listBooks()).toEqual(before);
    const other = openLibraryDatabase(config.databasePath);
    try {
      const ingester = createIngester({ database: other, preparationThreads: 0 });
      await ingester.ingest([
        { uri: '/elsewhere/zebra.txt', title: 'Zebra Crossings', text: 'Stripes. '.repeat(30) },
      ]);
      await ingester.close();
    } finally {
      other.close();
    }
    const after = library.listBooks({ query: 'zebra' });
    expect(after.books.map((book) => [book.title, book.chunks])).toEqual([['Zebra Crossings', 1]]);
    expect(library.listBooks().total).toBe(before.total + 1);
  });
});
