// The web page end to end, as a person uses it: real server process, real books, real Chromium.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromiumOptions,
  chromiumPath,
  screenshotPath,
  startLibraryBrain,
  testDataPath,
} from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { chromium } from 'playwright-core';
import { expect, it } from 'vitest';

describeRequiring(
  { data: ['books/fr/Candide.txt', 'books/en/11-0.txt'], tools: [chromiumPath] },
  'the Library Brain web page in Chromium',
  () => {
    const reaper = useProcessReaper();

    it('asks about a book, streams the answer, opens a citation with the cited span highlighted', async () => {
      const home = mkdtempSync(join(tmpdir(), 'klody-web-'));
      const seed = join(home, 'seed');
      mkdirSync(seed);
      copyFileSync(testDataPath('books', 'fr', 'Candide.txt'), join(seed, 'Candide.txt'));
      copyFileSync(testDataPath('books', 'en', '11-0.txt'), join(seed, 'alice.txt'));
      // Its first-run line is logged at info.
      const server = await startLibraryBrain(reaper, { home, seed, env: { KLODY_LOG_LEVEL: 'info' } });
      const url = `${server.url}/`;
      await server.process.waitForOutput('first run: 2 books ingested', 60_000);

      const context = await chromium.launchPersistentContext(
        join(home, 'chromium-profile'),
        chromiumOptions(),
      );
      try {
        const page = await context.newPage();
        await page.goto(url);
        await expect.poll(() => page.locator('#books-body tr').count(), { timeout: 10_000 }).toBe(2);
        expect(await page.locator('#books-body').textContent()).toContain('Candide');

        await page.fill('#question', "Qu'enseignait Pangloss ?");
        await page.click('#ask-button');
        await page.waitForFunction(
          () => /cited passage/.test(document.querySelector('#answer-status')?.textContent ?? ''),
          undefined,
          {
            timeout: 30_000,
          },
        );
        const answer = await page.locator('#answer-text').textContent();
        expect(answer).toMatch(/\[1\]/);
        expect(await page.locator('#citations li').count()).toBeGreaterThan(0);
        expect(await page.locator('#citations').textContent()).toContain('Candide');

        await page.locator('#citations li button').first().click();
        await page.locator('#passage mark').waitFor({ timeout: 10_000 });
        const highlighted = (await page.locator('#passage mark').textContent()) ?? '';
        expect(highlighted.length).toBeGreaterThan(20);
        expect(highlighted).toMatch(/Pangloss/);
        expect(await page.locator('#passage-title').textContent()).toContain('Candide');
        await page.screenshot({ path: screenshotPath('library-brain-page.png'), fullPage: true });

        // A whole-book question shows its progress while it is worked on, then the cited answer.
        await page.evaluate(() => {
          const seen: string[] = [];
          (window as unknown as { statusSeen: string[] }).statusSeen = seen;
          const status = document.querySelector('#answer-status') as Element;
          new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, {
            childList: true,
            characterData: true,
            subtree: true,
          });
        });
        await page.fill('#question', 'Who are the main characters of Alice?');
        await page.click('#ask-button');
        await page.waitForFunction(
          () => /cited passage/.test(document.querySelector('#answer-status')?.textContent ?? ''),
          undefined,
          { timeout: 30_000 },
        );
        const statuses = await page.evaluate(
          () => (window as unknown as { statusSeen: string[] }).statusSeen,
        );
        expect(statuses).toContain('Reading the book… 0 / 1');
        expect(await page.locator('#answer-text').textContent()).toContain('Alice');
      } finally {
        await context.close();
      }
    });
  },
);
