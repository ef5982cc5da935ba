// The book list of a library too large for one page, end to end: books written fast through memory's
// API into a real SQLite file, a real server process, the API paged and searched, and the page in
// real Chromium (next/previous, a debounced search, refreshed while a book is being ingested).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIngester, migrate, type SourceDocument } from '@klody/memory';
import { chromiumOptions, chromiumPath, screenshotPath, startLibraryBrain } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { chromium } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { openLibraryDatabase } from '../src/database/open-database.js';

const bookCount = 130;

interface BookListResponse {
  books: { id: number; title: string; author: string | null; chunks: number; state: string }[];
  total: number;
  ingesting: number;
  offset: number;
  limit: number;
  roots: string[];
}

/** 130 short books, one in ten by Émile Zola, stored through memory's ingester (no file to read). */
async function writeBooks(databasePath: string): Promise<void> {
  const database = openLibraryDatabase(databasePath);
  try {
    await migrate(database);
    const ingester = createIngester({ database, preparationThreads: 0 });
    const documents: SourceDocument[] = Array.from({ length: bookCount }, (_, index) => ({
      uri: `/library/volume-${index + 1}.txt`,
      title: `Volume ${index + 1} of the Chronicle`,
      text: Array.from({ length: 1 + (index % 4) }, (_, part) =>
        `Part ${part} of volume ${index + 1}. `.repeat(60),
      ).join('\n\n'),
      metadata: { author: index % 10 === 0 ? 'Émile Zola' : 'Jane Austen' },
    }));
    await ingester.ingest(documents);
    await ingester.close();
  } finally {
    database.close();
  }
}

/** Each book's chunks as the database holds them, counted, by title. */
function chunksStored(databasePath: string): Map<string, number> {
  const database = openLibraryDatabase(databasePath);
  try {
    const rows = database
      .getConnection()
      .prepare(
        'SELECT s.title AS title, count(c.id) AS chunks FROM memory_sources s JOIN memory_chunks c ON c.source_id = s.id GROUP BY s.id',
      )
      .all() as { title: string; chunks: number }[];
    return new Map(rows.map((row) => [row.title, row.chunks]));
  } finally {
    database.close();
  }
}

describeRequiring({ tools: [chromiumPath] }, 'the book list of a large library, paged and searched', () => {
  const reaper = useProcessReaper();
  const home = mkdtempSync(join(tmpdir(), 'klody-book-list-'));
  const incoming = join(home, 'incoming');
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('pages and searches the books through the API and on the page, and follows an ingestion', async () => {
    mkdirSync(incoming);
    const { databasePath } = readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' });
    await writeBooks(databasePath);
    const server = await startLibraryBrain(reaper, { home, roots: [incoming] });
    const list = async (query = '') => {
      const response = await fetch(`${server.url}/api/books${query}`);
      return { status: response.status, body: (await response.json()) as BookListResponse };
    };

    // The API: 50 books a page by default, sorted by title (numbers in order), the total, the roots.
    const first = (await list()).body;
    expect(first).toMatchObject({ total: bookCount, offset: 0, limit: 50, ingesting: 0, roots: [incoming] });
    expect(first.books).toHaveLength(50);
    expect(first.books.slice(0, 3).map((book) => book.title)).toEqual([
      'Volume 1 of the Chronicle',
      'Volume 2 of the Chronicle',
      'Volume 3 of the Chronicle',
    ]);
    // The counts kept by memory's writes are the chunks stored, book by book.
    const stored = chunksStored(databasePath);
    expect(first.books.map((book) => book.chunks)).toEqual(first.books.map((book) => stored.get(book.title)));
    expect(new Set(first.books.map((book) => book.chunks)).size).toBeGreaterThan(1);
    const last = (await list('?offset=100&limit=50')).body;
    expect(last.books.map((book) => book.title).at(-1)).toBe('Volume 130 of the Chronicle');
    expect(last.books).toHaveLength(30);
    const zola = (await list('?q=EMILE%20zol&limit=500')).body;
    expect(zola.total).toBe(13);
    expect(zola.books.every((book) => book.author === 'Émile Zola')).toBe(true);
    for (const bad of ['?limit=501', '?limit=0', '?offset=-1', `?q=${'x'.repeat(201)}`]) {
      const { status, body } = await list(bad);
      expect(status).toBe(400);
      expect((body as unknown as { error: { code: string } }).error.code).toBe('invalid_request');
    }

    // /health counts the books from the same kept list.
    expect(await (await fetch(`${server.url}/health`)).json()).toMatchObject({
      books: bookCount,
      ready: bookCount,
    });

    const context = await chromium.launchPersistentContext(join(home, 'chromium-profile'), chromiumOptions());
    try {
      const page = await context.newPage();
      const bookRequests: string[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/api/books') bookRequests.push(request.url());
      });
      const rows = page.locator('#books-body tr');
      const range = page.locator('#books-range');
      await page.goto(`${server.url}/`);
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(50);
      expect(await range.textContent()).toBe('1–50 of 130');
      expect(await page.locator('#books-previous').isDisabled()).toBe(true);

      await page.click('#books-next');
      await expect.poll(() => range.textContent()).toBe('51–100 of 130');
      expect(await rows.first().locator('td').first().textContent()).toBe('Volume 51 of the Chronicle');
      await page.click('#books-next');
      await expect.poll(() => rows.count()).toBe(30);
      expect(await page.locator('#books-next').isDisabled()).toBe(true);
      await page.click('#books-previous');
      await expect.poll(() => range.textContent()).toBe('51–100 of 130');

      // The search waits for typing to pause: one request for the whole word, from the first page.
      const beforeSearch = bookRequests.length;
      await page.locator('#books-search').pressSequentially('émile', { delay: 40 });
      await expect.poll(() => rows.count()).toBe(13);
      expect(bookRequests.length - beforeSearch).toBe(1);
      expect(await page.locator('#books-pager').isHidden()).toBe(true);
      await page.fill('#books-search', 'nobody wrote this');
      await expect.poll(() => page.locator('#books-empty').isVisible()).toBe(true);
      expect(await page.locator('#books-empty').textContent()).toContain('nobody wrote this');
      await page.fill('#books-search', '');
      await expect.poll(() => range.textContent()).toBe('1–50 of 130');

      // Idle, the list is not fetched again every few seconds (the old page reloaded it every 5 s).
      const idleFrom = bookRequests.length;
      await page.waitForTimeout(6_000);
      expect(bookRequests.length).toBe(idleFrom);

      // While a book is being ingested, the page refreshes by itself until it is ready.
      const long = Array.from(
        { length: 3_000 },
        (_, index) =>
          `Chapter ${index}. The lighthouse keeper wrote in his log about the storm number ${index}.`,
      ).join('\n\n');
      writeFileSync(
        join(incoming, 'long-chronicle.txt'),
        `A Long Chronicle\n\nby Ann Keeper\n\n${long.repeat(24)}`,
      );
      const ingestion = server.ingest([incoming]);
      await expect.poll(async () => (await list()).body.ingesting, { timeout: 10_000 }).toBe(1);
      const responses: BookListResponse[] = [];
      page.on('response', async (response) => {
        if (new URL(response.url()).pathname === '/api/books')
          responses.push((await response.json()) as BookListResponse);
      });
      await page.reload();
      await expect
        .poll(
          () =>
            page.locator('#books-body tr', { hasText: 'A Long Chronicle' }).locator('.state-ready').count(),
          {
            timeout: 60_000,
          },
        )
        .toBe(1);
      await ingestion;
      expect(responses[0]?.ingesting).toBe(1);
      expect(responses.length).toBeGreaterThanOrEqual(2);
      expect(await range.textContent()).toBe('1–50 of 131');
      await page.screenshot({ path: screenshotPath('library-brain-book-list.png'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 180_000);
});
