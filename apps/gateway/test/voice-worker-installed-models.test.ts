// The voice worker serving the installed Piper voice and Whisper base (faster-whisper), managed by the
// gateway: Piper speech and Whisper transcription, with language and word timestamps, through the
// gateway's OpenAI audio routes.
import { freePort } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
import {
  killRecordedWorkers,
  postJson,
  startQuietGateway,
  temporaryHome,
  voiceWorkerEntry,
  writeRegistry,
} from './helpers.js';

describeRequiring(
  { models: ['piper-joe-en-us', 'whisper-base'], tools: ['espeak-ng'] },
  'the voice worker with the installed models behind the gateway',
  () => {
    const home = temporaryHome();
    let gateway: RunningGateway;

    beforeAll(async () => {
      const port = await freePort();
      const entry = voiceWorkerEntry(port, { speak: 'piper', hear: 'faster-whisper' });
      entry.args = [...(entry.args ?? []), '--installed-models'];
      const config = writeRegistry(home, { budgetGb: 4, workers: [entry] } as never);
      gateway = await startQuietGateway(home, config);
    });

    afterAll(async () => {
      await gateway?.close({ workers: true });
      killRecordedWorkers(home);
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
