// The Talk button in real Chromium: the real agent server (startServer) with a fake voice session,
// Chromium's fake microphone playing a 16 kHz recording, and the page's own AudioWorklet, socket and
// Web Audio playback. What the fake session hears and what the page shows and plays are both checked.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumOptions, chromiumPath, screenshotPath, testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';
import {
  createFakeVoiceSession,
  type FakeVoiceConnectionRecord,
  type FakeVoiceSession,
  samplesReceived,
} from './fake-voice-session.js';

const recording = testDataPath('audio', 'en', 'jfk.wav');

describeRequiring(
  { tools: [chromiumPath], data: ['audio/en/jfk.wav'] },
  'the Talk button in Chromium',
  () => {
    let server: RunningServer | null = null;
    let context: BrowserContext | null = null;

    afterEach(async () => {
      await context?.close();
      context = null;
      await server?.close({ graceMs: 100 });
      server = null;
    });

    async function serveAndBrowse(fake: FakeVoiceSession, env: Record<string, string> = {}) {
      const home = mkdtempSync(join(tmpdir(), 'klody-agent-voice-page-'));
      const config = readConfig({
        KLODY_HOME: home,
        // Never called: no typed turn runs here.
        KLODY_GATEWAY_URL: 'http://127.0.0.1:9',
        KLODY_LIBRARY_BRAIN_URL: 'none',
        KLODY_VOCALBRAIN_URL: 'none',
        ...env,
      });
      server = await startServer(config, { port: 0, openVoiceSession: fake.open });
      context = await chromium.launchPersistentContext(
        join(home, 'chromium-profile'),
        chromiumOptions([
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
          `--use-file-for-fake-audio-capture=${recording}`,
          '--autoplay-policy=no-user-gesture-required',
        ]),
      );
      return { url: `${server.url}/`, context };
    }

    const rms = (samples: Int16Array) =>
      Math.sqrt(samples.reduce((sum, sample) => sum + sample * sample, 0) / Math.max(samples.length, 1));

    /** `seconds` of a 440 Hz tone at `rate`, as Klody's speech would come. */
    function tone(seconds: number, rate: number): Int16Array {
      const samples = new Int16Array(Math.round(seconds * rate));
      for (let index = 0; index < samples.length; index++)
        samples[index] = Math.round(8_000 * Math.sin((2 * Math.PI * 440 * index) / rate));
      return samples;
    }

    /** What the fake says once it has heard a second of speech: a transcript, a step, a sentence, speech. */
    function answerOnceHeard(fake: FakeVoiceSession, speechSeconds: number) {
      const arrivals: number[] = [];
      let answered = false;
      fake.onAudio = (record: FakeVoiceConnectionRecord) => {
        arrivals.push(performance.now());
        const heard = samplesReceived(record);
        if (answered || heard.length < 16_000 || rms(heard) < 200) return;
        answered = true;
        const { connection } = record;
        connection.send({ type: 'speech-start', at: 0.2 });
        connection.send({ type: 'speech-end', at: 1 });
        connection.send({
          type: 'transcript',
          text: 'And so my fellow Americans',
          final: true,
          language: 'en',
        });
        connection.send({
          type: 'agent',
          event: {
            type: 'approval-request',
            approvalId: 'approval-1',
            toolCallId: 'call-1',
            tool: 'remove_book',
            arguments: { book: 3 },
            effect: 'destructive',
            reason: 'remove_book is destructive',
            expiresAt: new Date(Date.now() + 600_000).toISOString(),
          },
        });
        connection.send({ type: 'sentence', index: 0, text: 'Ask not what your country can do for you.' });
        connection.send({ type: 'audio-start', index: 0, sampleRate: 24_000 });
        const speech = tone(speechSeconds, 24_000);
        for (let start = 0; start < speech.length; start += 2_400)
          connection.sendAudio(speech.subarray(start, start + 2_400));
        connection.send({ type: 'audio-end', index: 0 });
      };
      return arrivals;
    }

    it('sends the microphone as 16 kHz frames, shows the answer, plays it gaplessly and stops on interrupted', async () => {
      const fake = createFakeVoiceSession();
      const arrivals = answerOnceHeard(fake, 6);
      const { url, context } = await serveAndBrowse(fake);
      const page = await context.newPage();
      await page.goto(url);
      const talk = page.locator('#talk-button');
      expect(await talk.getAttribute('aria-pressed')).toBe('false');
      await talk.click();
      expect(await talk.getAttribute('aria-pressed')).toBe('true');

      // configure first, with full duplex: Chromium cancels the echo.
      await expect
        .poll(() => fake.connections[0]?.messages.length ?? 0, { timeout: 15_000 })
        .toBeGreaterThan(0);
      const record = fake.connections[0] as FakeVoiceConnectionRecord;
      expect(record.messages[0]).toEqual({
        type: 'configure',
        duplex: 'full',
        approvals: 'ask',
        partials: true,
      });
      await expect.poll(() => page.locator('#voice-status').textContent()).toMatch(/interrupt Klody/);

      // The page shows what the session said and plays its speech.
      const turn = page.locator('.turn.spoken-turn');
      await expect
        .poll(() => turn.locator('.user-message').textContent(), { timeout: 20_000 })
        .toBe('And so my fellow Americans');
      expect(await turn.locator('.assistant-text.spoken').textContent()).toBe(
        'Ask not what your country can do for you.',
      );
      // The approval is asked as for a typed turn: the step row and its approve/deny buttons.
      expect(await turn.locator('td.tool').textContent()).toBe('remove_book');
      expect(await turn.locator('td.approval').textContent()).toBe('pending');
      expect(await turn.locator('.decision.approval button.approve').isVisible()).toBe(true);
      const panel = page.locator('#talk');
      await expect
        .poll(async () => Number(await panel.getAttribute('data-scheduled-seconds')))
        .toBeCloseTo(6, 2);
      await expect.poll(() => panel.getAttribute('data-playing')).toBe('true');
      await page.screenshot({ path: screenshotPath('agent-page-voice.png'), fullPage: true });

      // What the session heard: 30 ms frames of 16 kHz speech, not silence, at the real-time rate.
      const frames = record.audio;
      expect(frames.length).toBeGreaterThan(30);
      expect(new Set(frames.map((frame) => frame.length))).toEqual(new Set([480]));
      expect(rms(samplesReceived(record))).toBeGreaterThan(200);
      const seconds = ((arrivals.at(-1) as number) - (arrivals[0] as number)) / 1000;
      const rate = ((frames.length - 1) * 480) / seconds;
      expect(rate).toBeGreaterThan(13_000);
      expect(rate).toBeLessThan(19_000);

      // Interrupted: the 6 s of speech stop at once, long before their end.
      const before = Number(await panel.getAttribute('data-scheduled-seconds'));
      record.connection.send({ type: 'interrupted', played: 'Ask not' });
      await expect.poll(() => panel.getAttribute('data-playing'), { timeout: 1_000 }).toBe('false');
      expect(Number(await panel.getAttribute('data-scheduled-seconds'))).toBe(before);
      await expect.poll(() => turn.locator('.note').last().textContent()).toBe('Interrupted.');

      // The Approve button of a spoken approval answers inside the voice session, not over HTTP.
      await turn.locator('.decision.approval button.approve').click();
      await expect.poll(() => record.messages.at(-1)).toEqual({ type: 'answer', decision: 'approve' });
      expect(await turn.locator('.decision.approval').count()).toBe(0);

      // Talk again: end of audio, the socket closes, the session is told once.
      await talk.click();
      expect(await talk.getAttribute('aria-pressed')).toBe('false');
      await expect.poll(() => record.closes, { timeout: 5_000 }).toBe(1);
      expect(record.messages.at(-1)).toEqual({ type: 'end-of-audio' });
      expect(await page.locator('#voice-status').textContent()).toBe('Stopped.');
    });

    it('passes the stored API key as a subprotocol, and says so when the connection is refused', async () => {
      const fake = createFakeVoiceSession();
      const { url, context } = await serveAndBrowse(fake, { KLODY_AGENT_API_KEY: 'sesame-42' });
      const page = await context.newPage();
      await page.goto(url);

      // No key: the upgrade is refused (401), which a browser only sees as a lost connection.
      await page.click('#talk-button');
      await expect
        .poll(() => page.locator('#voice-status').textContent(), { timeout: 15_000 })
        .toMatch(/refused or lost/);
      expect(await page.locator('#talk-button').getAttribute('aria-pressed')).toBe('false');
      expect(fake.connections).toEqual([]);

      await page.evaluate(() => sessionStorage.setItem('klody-agent-api-key', 'sesame-42'));
      await page.click('#talk-button');
      await expect.poll(() => fake.connections.length, { timeout: 15_000 }).toBe(1);
      await expect.poll(() => page.locator('#voice-status').textContent()).toMatch(/^Listening/);
      await page.click('#talk-button');
      await expect.poll(() => fake.connections[0]?.closes).toBe(1);
    });
  },
);
