// The status page in a real Chromium against a real gateway with real worker processes: it asks for
// the gateway's key once, then shows a worker turning ready and a request appearing in the list as
// they happen, without reloading the page.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumOptions, chromiumPath, freePorts, screenshotPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
import {
  killRecordedWorkers,
  postJson,
  startQuietGateway,
  temporaryHome,
  testWorker,
  writeRegistry,
} from './helpers.js';

const apiKey = 'status-page-key-0123';
const auth = { authorization: `Bearer ${apiKey}` };
const storyState = 'tr[data-worker="story"] .state';

describeRequiring({ tools: [chromiumPath] }, 'the status page in Chromium', () => {
  const home = temporaryHome();
  let gateway: RunningGateway;

  beforeAll(async () => {
    const [storyPort, embedPort] = await freePorts(2);
    const config = writeRegistry(home, {
      budgetGb: 2,
      workers: [
        // Slow to start (the page must see it starting, then ready) and holding real memory.
        testWorker('story', storyPort as number, {
          aliases: ['story-teller'],
          estimatedGb: 0.25,
          slots: 2,
          extraArgs: ['--start-delay-ms', '4000', '--hold-mb', '64', '--interval-ms', '40'],
        }),
        testWorker('embedder', embedPort as number, { aliases: ['embed-small'], estimatedGb: 0.5 }),
      ],
    });
    gateway = await startQuietGateway(home, config, {
      environment: { KLODY_HOME: home, KLODY_LOG_LEVEL: 'silent', KLODY_GATEWAY_API_KEY: apiKey },
      monitorIntervalMs: 500,
    });
  });

  afterAll(async () => {
    await gateway?.close({ workers: true });
    killRecordedWorkers(home);
  });

  it('asks for the key, then shows a worker turning ready and a new request without a reload', async () => {
    expect((await fetch(`${gateway.url}/admin/activity`)).status).toBe(401);
    const context = await chromium.launchPersistentContext(
      mkdtempSync(join(tmpdir(), 'klody-gateway-chromium-')),
      { ...chromiumOptions(), viewport: { width: 1280, height: 900 } },
    );
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      let navigations = 0;
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations++;
      });

      await page.goto(`${gateway.url}/`);
      await page.locator('#key-form').waitFor({ state: 'visible', timeout: 10_000 });
      await page.fill('#api-key', apiKey);
      await page.click('#key-form button');
      await page.locator('tr[data-worker="story"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('#key-form').isHidden()).toBe(true);
      expect(await page.locator(storyState).textContent()).toBe('stopped');
      expect(await page.locator('#requests-empty').isVisible()).toBe(true);

      // Every state the story worker's row shows, as the page redraws it. (Browser code as text: this
      // package's types have no DOM.)
      await page.evaluate(`{
        const seen = [];
        window.statesSeen = seen;
        new MutationObserver(() => {
          const state = document.querySelector(${JSON.stringify(storyState)})?.textContent ?? '';
          if (seen.at(-1) !== state) seen.push(state);
        }).observe(document.querySelector('#workers-body'), { childList: true, subtree: true });
      }`);

      // A request loads the worker (4 s start) and streams its answer with usage.
      const answer = postJson(
        `${gateway.url}/v1/chat/completions`,
        {
          model: 'story-teller',
          stream: true,
          stream_options: { include_usage: true },
          chunks: 12,
          messages: [{ role: 'user', content: 'tell me a story' }],
        },
        { ...auth, 'x-request-id': 'page-request-1' },
      ).then((response) => response.text());
      await page.locator(storyState, { hasText: /^ready$/ }).waitFor({ timeout: 30_000 });
      expect(await answer).toContain('[DONE]');
      const row = page.locator('tr[data-request-id="page-request-1"]');
      await row.waitFor({ timeout: 10_000 });
      expect(await row.locator('.model').textContent()).toBe('story-teller');
      expect(await row.locator('.worker').textContent()).toBe('story');
      expect(await row.locator('.status').textContent()).toBe('200');
      expect(await row.locator('.tokens').textContent()).toBe('4 / 12');
      const states = (await page.evaluate('window.statesSeen')) as string[];
      expect(states).toContain('starting');
      expect(states.at(-1)).toBe('ready');
      await page
        .locator('tr[data-worker="story"] .requests', { hasText: /^1$/ })
        .waitFor({ timeout: 10_000 });
      expect(await page.locator('#memory-bar span[data-worker="story"]').count()).toBe(1);

      // A few more requests, for a screenshot that shows the page at work.
      for (const [index, content] of ['once upon a time', 'and then', 'the end'].entries()) {
        await (
          await postJson(
            `${gateway.url}/v1/chat/completions`,
            { model: 'story', messages: [{ role: 'user', content }] },
            { ...auth, 'x-request-id': `page-request-${index + 2}` },
          )
        ).text();
      }
      await page.locator('tr[data-request-id="page-request-4"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('#requests-body tr').first().getAttribute('data-request-id')).toBe(
        'page-request-4',
      );
      expect(navigations).toBe(1);
      // No script error and no CSP refusal: only the first poll's two 401s, before the key was given
      // (the page then waits for the key instead of polling on).
      expect(problems).toEqual(Array(2).fill(expect.stringContaining('401 (Unauthorized)')));
      await page.screenshot({ path: screenshotPath('gateway-status-page.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
