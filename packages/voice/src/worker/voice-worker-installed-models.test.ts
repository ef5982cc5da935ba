// The voice worker process serving the installed Piper voice and Whisper base (--installed-models),
// as the gateway starts it: speech and transcriptions over HTTP, no model path on its command line.
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, testDataPath, waitForHttp } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { beforeAll, expect, it } from 'vitest';
import { audioDuration } from '../audio/pcm-audio.js';
import { decodeWav } from '../audio/wav.js';
import { wordErrorRate } from '../evaluation/word-error-rate.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

describeRequiring(
  { models: ['piper-joe-en-us', 'whisper-base'], tools: ['espeak-ng'] },
  'the voice worker process with the installed Piper voice and Whisper base',
  () => {
    const reaper = useProcessReaper();
    let baseUrl = '';

    beforeAll(async () => {
      const port = await freePort();
      reaper.spawn(
        tsx,
        [
          '--conditions=@klody/source',
          'src/worker/bin.ts',
          '--port',
          String(port),
          '--installed-models',
          '--alias',
          'tts=piper',
          '--alias',
          'stt=faster-whisper',
        ],
        { cwd: packageRoot },
      );
      baseUrl = `http://127.0.0.1:${port}`;
      await waitForHttp(`${baseUrl}/health`, { timeoutMs: 30_000 });
    }, 60_000);

    it('serves piper and faster-whisper, found through the models manifest', async () => {
      const health = (await (await fetch(`${baseUrl}/health`)).json()) as {
        speechModels: string[];
        transcriptionModels: string[];
      };
      expect(health.speechModels).toContain('piper');
      expect(health.transcriptionModels).toContain('faster-whisper');
      const voices = (await (await fetch(`${baseUrl}/v1/audio/voices?model=tts`)).json()) as {
        voices: { id: string; languages: string[] }[];
      };
      expect(voices.voices).toEqual([
        { id: 'en_US-joe-medium', name: 'en_US-joe-medium', languages: ['en-us'], gender: null },
      ]);
    });

    it('speaks with Piper on /v1/audio/speech and hears it back on /v1/audio/transcriptions', async () => {
      const sentence = 'Dinner will be ready in twenty minutes, so please set the table.';
      const spoken = await fetch(`${baseUrl}/v1/audio/speech`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tts', input: sentence, response_format: 'wav' }),
      });
      expect(spoken.status).toBe(200);
      expect(spoken.headers.get('content-type')).toBe('audio/wav');
      const wavBytes = new Uint8Array(await spoken.arrayBuffer());
      const wav = decodeWav(wavBytes);
      expect(wav.sampleRate).toBe(22_050);
      expect(audioDuration(wav)).toBeGreaterThan(2.5);
      expect(audioDuration(wav)).toBeLessThan(8);

      const form = new FormData();
      form.set('file', new Blob([wavBytes], { type: 'audio/wav' }), 'dinner.wav');
      form.set('model', 'stt');
      form.set('response_format', 'verbose_json');
      form.append('timestamp_granularities[]', 'word');
      form.append('timestamp_granularities[]', 'segment');
      const heard = await fetch(`${baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: form });
      const body = (await heard.json()) as {
        language: string;
        language_probability: number;
        duration: number;
        text: string;
        segments: { id: number; start: number; end: number; text: string }[];
        words: { word: string; start: number; end: number }[];
      };
      expect(heard.status).toBe(200);
      expect(body.language).toBe('en');
      expect(body.language_probability).toBeGreaterThan(0.8);
      // Whisper writes "twenty" as "20": compared after writing it as the sentence does.
      expect(wordErrorRate(sentence, body.text.replace(/\b20\b/, 'twenty')).rate).toBeLessThanOrEqual(0.1);
      expect(body.segments.length).toBeGreaterThanOrEqual(1);
      expect(body.words.length).toBeGreaterThanOrEqual(10);
      expect(body.words.at(-1)?.end).toBeLessThanOrEqual(body.duration + 0.05);
    }, 180_000);

    it('recognises a French command recording without being told the language', async () => {
      const form = new FormData();
      const file = await readFile(testDataPath('audio', 'fr', 'allume-toutes-les-lumieres.wav'));
      form.set('file', new Blob([file]), 'commande.wav');
      form.set('model', 'stt');
      form.set('response_format', 'verbose_json');
      const heard = (await (
        await fetch(`${baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: form })
      ).json()) as { language: string; text: string };
      expect(heard.language).toBe('fr');
      expect(wordErrorRate('allume toutes les lumières', heard.text).rate).toBe(0);
    }, 120_000);
  },
);

describeRequiring(
  { tools: ['espeak-ng'] },
  'the voice worker with a Whisper folder that holds no model',
  () => {
    const reaper = useProcessReaper();

    it('answers 503 engine_unavailable JSON that says how to install it', async () => {
      const port = await freePort();
      const empty = mkdtempSync(join(tmpdir(), 'klody-empty-whisper-'));
      reaper.spawn(
        tsx,
        [
          '--conditions=@klody/source',
          'src/worker/bin.ts',
          '--port',
          String(port),
          '--faster-whisper-model',
          empty,
        ],
        { cwd: packageRoot },
      );
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitForHttp(`${baseUrl}/health`, { timeoutMs: 30_000 });
      const form = new FormData();
      form.set('file', new Blob([await readFile(testDataPath('audio', 'en', 'jfk.wav'))]), 'jfk.wav');
      form.set('model', 'faster-whisper');
      const response = await fetch(`${baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: form });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        error: {
          code: 'engine_unavailable',
          message: `faster-whisper: no Whisper model in ${empty} (model.bin is missing); run pnpm klody-models install`,
        },
      });
    }, 60_000);
  },
);
