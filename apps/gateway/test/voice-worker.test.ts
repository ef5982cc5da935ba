// The voice worker of @klody/voice, managed by the gateway like any worker: spawned on first use,
// speech and transcription relayed through the gateway's OpenAI audio routes.
import { readFileSync } from 'node:fs';
import { freePort, testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';
import { postJson, useQuietGateway, voiceWorkerEntry } from './helpers.js';

describeRequiring(
  { data: ['audio/en/jfk.wav'], tools: ['espeak-ng', 'pocketsphinx_continuous'] },
  'the voice worker behind the gateway',
  () => {
    const gateway = useQuietGateway(async () => ({
      budgetGb: 4,
      workers: [voiceWorkerEntry(await freePort(), { 'toy-tts': 'espeak-ng', 'toy-stt': 'pocketsphinx' })],
    }));

    it('speaks through /v1/audio/speech, starting the worker on first use', async () => {
      const response = await postJson(`${gateway.url}/v1/audio/speech`, {
        model: 'toy-tts',
        input: 'Bonjour, ceci est un essai.',
        voice: 'fr',
        response_format: 'wav',
      });
      expect(response.status).toBe(200);
      const audio = Buffer.from(await response.arrayBuffer());
      expect(audio.subarray(0, 4).toString('latin1')).toBe('RIFF');
      expect(audio.subarray(8, 12).toString('latin1')).toBe('WAVE');
      expect(audio.length).toBeGreaterThan(20_000); // about a second of speech or more
      const status = await (await fetch(`${gateway.url}/admin/status`)).json();
      expect(status.workers[0]).toMatchObject({ name: 'voice', state: 'ready' });
    });

    it('transcribes through /v1/audio/transcriptions (multipart, routed by its model field)', async () => {
      const form = new FormData();
      form.append('model', 'toy-stt');
      form.append(
        'file',
        new Blob([readFileSync(testDataPath('audio', 'en', 'jfk.wav'))], { type: 'audio/wav' }),
        'jfk.wav',
      );
      const response = await fetch(`${gateway.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
      expect(response.status).toBe(200);
      const body = await response.json();
      // pocketsphinx free-form is weak: a transcript, not an exact one.
      expect(typeof body.text).toBe('string');
      expect(body.text.split(/\s+/).length).toBeGreaterThan(5);
    });

    it('answers a JSON error naming the voice when it does not exist', async () => {
      const response = await postJson(`${gateway.url}/v1/audio/speech`, {
        model: 'toy-tts',
        input: 'Bonjour',
        voice: 'no-such-voice',
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      const body = await response.json();
      expect(body.error.message).toMatch(/no-such-voice/);
    });
  },
);
