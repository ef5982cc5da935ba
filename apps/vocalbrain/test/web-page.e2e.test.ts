// The web page end to end, as a person uses it: the real server process (`vocalbrain serve`), its
// real engines, a real library track, and real Chromium playing what comes back.
import { mkdtempSync, rmSync } from 'node:fs';
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
import { chromium, type Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { toneClip } from './support/tone-clip.js';

/** Waits until the audio element has its metadata, and answers its duration in seconds. */
async function loadedDuration(page: Page, selector: string): Promise<number> {
  await page.waitForFunction(
    (query) => {
      const audio = document.querySelector(query) as HTMLAudioElement | null;
      return audio !== null && audio.readyState >= 1 && Number.isFinite(audio.duration);
    },
    selector,
    { timeout: 30_000 },
  );
  return page.evaluate((query) => (document.querySelector(query) as HTMLAudioElement).duration, selector);
}

describeRequiring({ tools: [chromiumPath, 'espeak-ng'] }, 'the VocalBrain web page in Chromium', () => {
  const reaper = useProcessReaper();

  it('speaks a text and plays it, follows it as a job and plays the result, finds a library track and plays it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vocalbrain-web-'));
    const port = await freePort();
    const server = reaper.spawn(
      process.execPath,
      sourceArguments('apps/vocalbrain/src/cli.ts', ['serve', '--port', String(port)]),
      {
        cwd: repositoryRoot(),
        env: { ...process.env, KLODY_HOME: home, KLODY_GATEWAY_URL: 'none', KLODY_VOCALBRAIN_CALIBRATE: '0' },
      },
    );
    const url = `http://127.0.0.1:${port}/`;
    await waitForHttp(`${url}health`, { timeoutMs: 60_000 });
    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array(toneClip([262, 330, 392, 523], { noteSeconds: 0.5 }))]),
      'sunrise.wav',
    );
    form.append('description', 'A bright glockenspiel melody, like a sunrise');
    form.append('tags', 'glockenspiel, morning');
    expect((await fetch(`${url}api/library/tracks`, { method: 'POST', body: form })).status).toBe(201);

    const context = await chromium.launchPersistentContext(
      join(home, 'chromium-profile'),
      chromiumOptions(['--autoplay-policy=no-user-gesture-required']),
    );
    try {
      const page = await context.newPage();
      await page.goto(url);
      // The voices come from the engines: espeak-ng's French voice is one of them.
      await expect
        .poll(() => page.locator('#speak-voice option[value="voice:espeak-ng/fr-fr"]').count(), {
          timeout: 20_000,
        })
        .toBe(1);
      await page.fill('#speak-text', 'Bonjour, ceci est un essai de VocalBrain.');
      await page.selectOption('#speak-voice', 'voice:espeak-ng/fr-fr');
      await page.click('#speak-button');
      expect(await loadedDuration(page, '#speak-audio')).toBeGreaterThan(0.5);
      expect(await page.locator('#speak-status').textContent()).toContain('espeak-ng/fr-fr');

      // The same text as a job: it is followed on the page until done, then played from there.
      await page.click('#job-button');
      await page.waitForFunction(() => document.querySelector('#jobs li audio') !== null, undefined, {
        timeout: 60_000,
      });
      expect(await page.locator('#jobs li').first().textContent()).toContain('done');
      expect(await loadedDuration(page, '#jobs li audio')).toBeGreaterThan(0.5);
      // The page follows the jobs every 2 s; a finished job's player stays the same element (one
      // that was made again would stop while it plays).
      const player = await page.locator('#jobs li audio').elementHandle();
      await page.waitForTimeout(2_500);
      expect(await player?.evaluate((audio) => audio.isConnected)).toBe(true);

      await page.fill('#find-query', 'glockenspiel sunrise');
      await page.click('#find-button');
      await page.locator('#tracks li').first().waitFor({ timeout: 20_000 });
      expect(await page.locator('#tracks li').first().textContent()).toContain('glockenspiel');
      expect(await loadedDuration(page, '#tracks li audio')).toBeCloseTo(2, 1);

      // A track added from the page is found from the page.
      await page.click('#add-form >> xpath=..//summary');
      await page.setInputFiles('#add-file', {
        name: 'harbour.wav',
        mimeType: 'audio/wav',
        buffer: Buffer.from(toneClip([196, 262], { noteSeconds: 0.75 })),
      });
      await page.fill('#add-description', 'Foghorns in a quiet harbour at night');
      await page.fill('#add-tags', 'sea, night');
      await page.click('#add-button');
      await expect
        .poll(() => page.locator('#add-status').textContent(), { timeout: 20_000 })
        .toContain('added "harbour"');
      await page.fill('#find-query', 'foghorns harbour');
      await page.click('#find-button');
      await expect
        .poll(() => page.locator('#tracks li').first().textContent(), { timeout: 20_000 })
        .toContain('Foghorns in a quiet harbour');
      expect(await loadedDuration(page, '#tracks li audio')).toBeCloseTo(1.5, 1);
      await page.fill('#find-query', 'glockenspiel sunrise');
      await page.click('#find-button');
      await expect
        .poll(() => page.locator('#tracks li').first().textContent(), { timeout: 20_000 })
        .toContain('glockenspiel');
      await page.screenshot({ path: screenshotPath('vocalbrain-page.png'), fullPage: true });
    } finally {
      await context.close();
      await server.stop();
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
