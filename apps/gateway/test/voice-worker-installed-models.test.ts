// The voice worker serving the installed Piper voice and Whisper base (faster-whisper), managed by the
// gateway: Piper speech and Whisper transcription, with language and word timestamps, through the
// gateway's OpenAI audio routes.
import { freePort } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';
import { postJson, useQuietGateway, voiceWorkerEntry } from './helpers.js';

describeRequiring(
  { models: ['piper-joe-en-us', 'whisper-base'], tools: ['espeak-ng'] },
  'the voice worker with the installed models behind the gateway',
  () => {
    const gateway = useQuietGateway(async () => {
      const entry = voiceWorkerEntry(await freePort(), { speak: 'piper', hear: 'faster-whisper' });
      entry.args = [...(entry.args ?? []), '--installed-models'];
      return { budgetGb: 4, workers: [entry] };
    });

    it('speaks with Piper, then hears it back with words and the language', async () => {
      const spoken = await postJson(`${gateway.url}/v1/audio/speech`, {
        model: 'speak',
        input: 'The front door is locked.',
        response_format: 'wav',
      });
      expect(spoken.status).toBe(200);
      const wav = new Uint8Array(await spoken.arrayBuffer());
      expect(Buffer.from(wav.subarray(0, 4)).toString('latin1')).toBe('RIFF');
      expect(Buffer.from(wav).readUInt32LE(24)).toBe(22_050);

      const form = new FormData();
      form.append('model', 'hear');
      form.append('response_format', 'verbose_json');
      form.append('timestamp_granularities[]', 'word');
      form.append('file', new Blob([wav], { type: 'audio/wav' }), 'door.wav');
      const heard = await fetch(`${gateway.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
      expect(heard.status).toBe(200);
      const body = await heard.json();
      expect(body.language).toBe('en');
      expect(body.text.toLowerCase()).toContain('front door is locked');
      expect(
        body.words.map((word: { word: string }) => word.word.toLowerCase().replace(/[^a-z]/g, '')),
      ).toEqual(['the', 'front', 'door', 'is', 'locked']);
    }, 180_000);
  },
);
