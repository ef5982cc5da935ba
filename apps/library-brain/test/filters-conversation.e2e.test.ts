// The filter and the conversation on the web page, as a person uses them: a real server process,
// the books of src/testing/whale-books.ts, real Chromium.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumOptions, chromiumPath, screenshotPath, startLibraryBrain } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { chromium, type Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { writeWhaleBooks } from '../src/testing/whale-books.js';

/** Asks on the page and waits for the answer (or the error) to be shown. */
async function askOnPage(page: Page, question: string): Promise<void> {
  await page.fill('#question', question);
  await page.click('#ask-button');
  await page.waitForFunction(
    () => {
      const status = document.querySelector('#answer-status')?.textContent ?? '';
      const button = document.querySelector<HTMLButtonElement>('#ask-button');
      return button?.disabled === false && !/Searching|Writing/.test(status);
    },
    undefined,
    { timeout: 30_000 },
  );
}

describeRequiring(
  { tools: [chromiumPath] },
  'the filter and the conversation on the web page in Chromium',
  () => {
    const reaper = useProcessReaper();

    it('asks within an author, follows up in the conversation, starts a new one, and names a mistyped book', async () => {
      const home = mkdtempSync(join(tmpdir(), 'klody-web-filters-'));
      const books = writeWhaleBooks(join(home, 'books'));
      const server = await startLibraryBrain(reaper, {
        home,
        seed: books.folder,
        env: { KLODY_LOG_LEVEL: 'info' },
      });
      await server.process.waitForOutput('first run: 3 books ingested', 60_000);
      // The almanac on a shelf, as the page's shelf choice will offer it.
      const listed = (await (await fetch(`${server.url}/api/books?limit=50`)).json()) as {
        books: { id: number; title: string }[];
      };
      const almanac = listed.books.find((book) => book.title === 'The Whale Almanac');
      expect(
        (await fetch(`${server.url}/api/books/${almanac?.id}/shelves/Sea`, { method: 'PUT' })).status,
      ).toBe(200);

      const context = await chromium.launchPersistentContext(
        join(home, 'chromium-profile'),
        chromiumOptions(),
      );
      try {
        const page = await context.newPage();
        await page.goto(`${server.url}/`);
        await expect
          .poll(() => page.locator('#filter-author option').allTextContents(), { timeout: 10_000 })
          .toEqual(['Any author', 'Ishmael Jones', 'Jeanne Quai', 'Mary Dock']);
        expect(await page.locator('#filter-shelf option').allTextContents()).toEqual(['Any shelf', 'Sea']);
        expect(await page.locator('#filter-language option').allTextContents()).toEqual([
          'Any language',
          'English',
          'French',
        ]);

        // Within Mary Dock's book only, though the almanac says "whale" far more often.
        await page.selectOption('#filter-author', 'Mary Dock');
        await askOnPage(page, 'Where was a whale seen from the pier?');
        expect(await page.locator('#answer-status').textContent()).toMatch(/cited passage/);
        const firstCitations = await page.locator('#citations li').allTextContents();
        expect(firstCitations.length).toBeGreaterThan(0);
        expect(firstCitations.every((citation) => citation.startsWith('Harbour Notes'))).toBe(true);
        const conversationId = await page.locator('#conversation').getAttribute('data-conversation-id');
        expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
        expect(await page.locator('#answer-rewrite').isHidden()).toBe(true);

        // A follow-up: the previous question's words are carried over, and the page says so.
        await askOnPage(page, 'And what stands beside it?');
        expect(await page.locator('#answer-status').textContent()).toMatch(/cited passage/);
        expect(await page.locator('#answer-rewrite').textContent()).toBe(
          'Searched as: And what stands beside it? (whale seen pier)',
        );
        expect(await page.locator('#conversation-turns li').count()).toBe(2);
        expect(await page.locator('#conversation').getAttribute('data-conversation-id')).toBe(conversationId);
        const stored = (await (await fetch(`${server.url}/api/conversations/${conversationId}`)).json()) as {
          turns: { question: string }[];
        };
        expect(stored.turns.map((turn) => turn.question)).toEqual([
          'Where was a whale seen from the pier?',
          'And what stands beside it?',
        ]);
        await page.screenshot({ path: screenshotPath('library-brain-conversation.png'), fullPage: true });

        // A reload keeps the conversation: its turns are read back, and the next question continues it.
        await page.reload();
        await expect.poll(() => page.locator('#conversation-turns li').count(), { timeout: 10_000 }).toBe(2);
        expect(await page.locator('#conversation').getAttribute('data-conversation-id')).toBe(conversationId);
        await page.selectOption('#filter-author', 'Mary Dock');
        await askOnPage(page, 'Why?');
        expect(await page.locator('#answer-rewrite').textContent()).toBe(
          'Searched as: Why? (stands beside whale seen pier)',
        );
        expect(await page.locator('#conversation-turns li').count()).toBe(3);

        // A new conversation, on the shelf: the first question again, not a follow-up.
        await page.click('#new-conversation');
        expect(await page.locator('#conversation').isHidden()).toBe(true);
        await page.selectOption('#filter-author', '');
        await page.selectOption('#filter-shelf', 'Sea');
        await askOnPage(page, 'Where does the whale stand?');
        const shelfCitations = await page.locator('#citations li').allTextContents();
        expect(shelfCitations.length).toBeGreaterThan(0);
        expect(shelfCitations.every((citation) => citation.startsWith('The Whale Almanac'))).toBe(true);
        expect(await page.locator('#conversation-turns li').count()).toBe(1);
        expect(await page.locator('#conversation').getAttribute('data-conversation-id')).not.toBe(
          conversationId,
        );

        // A mistyped book is named back with the near match, not answered from no book.
        await page.selectOption('#filter-shelf', '');
        await page.fill('#filter-book', 'Harbor Notes');
        await askOnPage(page, 'Who saw a whale?');
        expect(await page.locator('#answer-status').textContent()).toBe(
          'no book has the id or title "Harbor Notes"; did you mean "Harbour Notes"?',
        );
      } finally {
        await context.close();
      }
    });
  },
);
