// The web page end to end, as a person uses it: the real `pnpm agent serve` process with its SQLite
// database, a scripted OpenAI-compatible server as the gateway, a spy Library Brain, real Chromium.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromiumOptions,
  chromiumPath,
  freePort,
  repositoryRoot,
  screenshotPath,
  sourceArguments,
  waitForHttp,
} from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeLibraryBrain, startFakeLibraryBrain } from './fake-library-brain.js';
import { type FakeOpenAIServer, startFakeOpenAIServer, toolResultsSent } from './fake-openai-server.js';

describeRequiring({ tools: [chromiumPath] }, 'the agent web page in Chromium', () => {
  const reaper = useProcessReaper();
  let gateway: FakeOpenAIServer;
  let library: FakeLibraryBrain;

  beforeAll(async () => {
    gateway = await startFakeOpenAIServer();
    library = await startFakeLibraryBrain();
  });
  afterAll(async () => {
    await gateway?.close();
    await library?.close();
  });

  /** `pnpm agent serve` as a real process, and a Chromium profile in the same temporary home. */
  async function serveAndBrowse(env: Record<string, string> = {}) {
    const home = mkdtempSync(join(tmpdir(), 'klody-agent-web-'));
    const port = await freePort();
    reaper.spawn(
      process.execPath,
      sourceArguments('apps/agent/src/cli.ts', ['serve', '--port', String(port)]),
      {
        cwd: repositoryRoot(),
        env: {
          ...process.env,
          KLODY_HOME: home,
          KLODY_GATEWAY_URL: gateway.url,
          KLODY_LIBRARY_BRAIN_URL: library.url,
          KLODY_VOCALBRAIN_URL: 'none',
          ...env,
        },
      },
    );
    const url = `http://127.0.0.1:${port}/`;
    await waitForHttp(`${url}health`, { timeoutMs: 60_000 });

    const context = await chromium.launchPersistentContext(join(home, 'chromium-profile'), chromiumOptions());
    return { url, context };
  }

  it('answers a message, asks before a destructive call, and shows a denial as denied / not run', async () => {
    const { url, context } = await serveAndBrowse();
    try {
      const page = await context.newPage();
      await page.goto(url);

      // A message answered, its text streamed in pieces.
      gateway.replies.push({ text: ['Bonjour ! ', 'Je suis Klody, ', 'votre agent.'], delayMs: 50 });
      await page.fill('#message', 'Bonjour, qui es-tu ?');
      await page.click('#send-button');
      await expect
        .poll(() => page.locator('.turn').first().locator('.assistant-text').textContent(), {
          timeout: 15_000,
        })
        .toBe('Bonjour ! Je suis Klody, votre agent.');
      await expect.poll(() => page.locator('.turn .turn-status').first().textContent()).toMatch(/0 steps/);
      await expect.poll(() => page.locator('#session-list li').count()).toBe(1);
      expect(await page.locator('#session-list li').textContent()).toBe('Bonjour, qui es-tu ?');

      // A destructive call: its row says pending, and approve/deny buttons appear.
      gateway.replies.push({ toolCalls: [{ name: 'remove_book', arguments: { book: 3 } }] });
      await page.fill('#message', 'Supprime le livre Candide (id 3).');
      await page.click('#send-button');
      const turn = page.locator('.turn').nth(1);
      await turn.locator('.decision.approval button.deny').waitFor({ timeout: 15_000 });
      expect(await turn.locator('.decision.approval button.approve').isVisible()).toBe(true);
      const row = turn.locator('table.steps tbody tr');
      expect(await row.locator('td.tool').textContent()).toBe('remove_book');
      expect(await row.locator('td.arguments').textContent()).toBe('{"book":3}');
      expect(await row.locator('td.effect').textContent()).toBe('destructive');
      expect(await row.locator('td.approval').textContent()).toBe('pending');
      expect(await turn.locator('.decision.approval .reason').textContent()).toMatch(/\S/);
      await page.screenshot({ path: screenshotPath('agent-page-approval.png'), fullPage: true });

      // The approval is stored, not held by the page: a reload shows it still waiting, with its buttons.
      await page.reload();
      await turn.locator('.decision.approval button.deny').waitFor({ timeout: 10_000 });
      expect(await row.locator('td.approval').textContent()).toBe('pending');

      // Deny: the row shows denied / not_run, the agent answers, the organ was never called.
      gateway.replies.push({ text: ['D’accord, je n’ai pas supprimé Candide.'] });
      await turn.locator('.decision.approval button.deny').click();
      await expect.poll(() => row.locator('td.approval').textContent(), { timeout: 15_000 }).toBe('denied');
      expect(await row.locator('td.call-status').textContent()).toBe('not_run');
      await expect
        .poll(() => turn.locator('.assistant-text').last().textContent(), { timeout: 15_000 })
        .toBe('D’accord, je n’ai pas supprimé Candide.');
      expect(await turn.locator('.decision.approval').count()).toBe(0);
      expect(toolResultsSent(gateway.requests.at(-1) as never).join(' ')).toMatch(/denied/i);
      expect(library.requests.filter((request) => request.method === 'DELETE')).toEqual([]);

      await page.screenshot({ path: screenshotPath('agent-page.png'), fullPage: true });

      // The stored session reads the same after a reload.
      await page.reload();
      await expect.poll(() => page.locator('.turn').count(), { timeout: 10_000 }).toBe(2);
      expect(await page.locator('.turn').nth(1).locator('td.approval').textContent()).toBe('denied');
    } finally {
      await context.close();
    }
  });

  it('runs an approved call, then asks at max steps and goes on with Continue', async () => {
    library.requests.length = 0;
    const { url, context } = await serveAndBrowse({ KLODY_AGENT_MAX_STEPS: '1' });
    try {
      const page = await context.newPage();
      await page.goto(url);
      gateway.replies.push({ toolCalls: [{ name: 'remove_book', arguments: { book: 3 } }] });
      await page.fill('#message', 'Remove the book Candide (id 3).');
      await page.click('#send-button');
      const turn = page.locator('.turn').first();
      await turn.locator('.decision.approval button.approve').click({ timeout: 15_000 });
      const row = turn.locator('table.steps tbody tr');
      await expect.poll(() => row.locator('td.call-status').textContent(), { timeout: 15_000 }).toBe('done');
      expect(await row.locator('td.approval').textContent()).toBe('approved');
      expect(await row.locator('td.output').textContent()).toContain('Removed "Candide"');
      expect(library.requests.filter((request) => request.method === 'DELETE')).toEqual([
        { method: 'DELETE', path: '/api/books/3' },
      ]);

      // One step per budget: the agent asks before its next step.
      const question = turn.locator('.decision.question');
      await question.waitFor({ timeout: 15_000 });
      expect(await question.textContent()).toMatch(/go on/);
      gateway.replies.push({ text: ['Candide is removed.'] });
      await question.locator('button.continue').click();
      await expect
        .poll(() => turn.locator('.assistant-text').last().textContent(), { timeout: 15_000 })
        .toBe('Candide is removed.');
      expect(await turn.locator('.decision').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
