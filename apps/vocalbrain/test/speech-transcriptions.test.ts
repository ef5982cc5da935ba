// Speech → recognition round trips on a real server with the real engines: Piper (the installed joe
// voice) speaks, faster-whisper (whisper-base) hears, in every answer format; pocketsphinx is the
// engine without word timings, so asking it for words is a 400.
import { describeRequiring } from '@klody/test-helpers/vitest';
import { wordErrorRate } from '@klody/voice';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pcmToWav, sseEvents, startTestServer, type TestServer } from './speech-test-server.js';

const sentence = 'Please turn on the kitchen light before dinner.';
const twoSentences = `${sentence} The weather will be sunny tomorrow morning.`;

function upload(server: TestServer, audio: Uint8Array, fields: [string, string][], name = 'speech.wav') {
  const form = new FormData();
  form.set('file', new Blob([audio as Uint8Array<ArrayBuffer>]), name);
  for (const [field, value] of fields) form.append(field, value);
  return fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
}

async function speak(server: TestServer, body: Record<string, unknown>): Promise<Response> {
  const response = await server.post('/v1/audio/speech', { model: 'piper', input: twoSentences, ...body });
  expect(response.status).toBe(200);
  return response;
}

describeRequiring(
  { models: ['piper-joe-en-us', 'whisper-base'] },
  'transcriptions of Piper speech by faster-whisper',
  () => {
    let server: TestServer;
    let wav: Uint8Array;
    beforeAll(async () => {
      server = await startTestServer();
      wav = new Uint8Array(await (await speak(server, {})).arrayBuffer());
    }, 120_000);
    afterAll(() => server?.close());

    it('hears the WAV answer back (json), within a word error rate of 0.15', async () => {
      const response = await upload(server, wav, [['model', 'whisper-base']]);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-klody-transcription-engine')).toBe('faster-whisper');
      const body = await response.json();
      expect(Object.keys(body)).toEqual(['text']);
      expect(wordErrorRate(twoSentences, body.text).rate).toBeLessThanOrEqual(0.15);
    });

    it('hears the PCM answer back once wrapped at the rate its header states', async () => {
      const response = await speak(server, { response_format: 'pcm' });
      const rate = Number(response.headers.get('x-sample-rate'));
      expect(rate).toBe(24_000);
      const audio = pcmToWav(new Uint8Array(await response.arrayBuffer()), rate);
      const heard = await (await upload(server, audio, [['response_format', 'text']])).text();
      expect(wordErrorRate(twoSentences, heard).rate).toBeLessThanOrEqual(0.15);
    });

    it('hears the SSE answer back: every sentence is in the deltas, not only the first', async () => {
      const response = await speak(server, { response_format: 'pcm', stream_format: 'sse' });
      const events = sseEvents(await response.text());
      const pcm = Buffer.concat(
        events
          .filter((event) => event.type === 'speech.audio.delta')
          .map((event) => Buffer.from(event.audio as string, 'base64')),
      );
      const heard = await (
        await upload(server, pcmToWav(new Uint8Array(pcm), 24_000), [['response_format', 'text']])
      ).text();
      expect(heard.toLowerCase()).toContain('kitchen');
      expect(heard.toLowerCase()).toContain('tomorrow');
      expect(wordErrorRate(twoSentences, heard).rate).toBeLessThanOrEqual(0.15);
    });

    it('gives word and segment timestamps in verbose_json, ordered and within the audio', async () => {
      const response = await upload(server, wav, [
        ['model', 'faster-whisper'],
        ['response_format', 'verbose_json'],
        ['timestamp_granularities[]', 'word'],
        ['timestamp_granularities[]', 'segment'],
      ]);
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.task).toBe('transcribe');
      expect(body.language).toBe('en');
      expect(body.duration).toBeGreaterThan(3);
      expect(body.segments.length).toBeGreaterThanOrEqual(1);
      const words: { word: string; start: number; end: number }[] = body.words;
      expect(words.length).toBeGreaterThanOrEqual(twoSentences.split(' ').length - 2);
      for (const [index, word] of words.entries()) {
        expect(typeof word.start).toBe('number');
        expect(typeof word.end).toBe('number');
        expect(word.end).toBeGreaterThanOrEqual(word.start);
        expect(word.end).toBeLessThanOrEqual(body.duration + 0.05);
        if (index > 0)
          expect(word.start).toBeGreaterThanOrEqual((words[index - 1] as { start: number }).start);
      }
      const kitchen = words.find((word) => word.word.toLowerCase().includes('kitchen'));
      const tomorrow = words.find((word) => word.word.toLowerCase().includes('tomorrow'));
      expect(kitchen && tomorrow && kitchen.end <= tomorrow.start).toBe(true);
    });

    it('answers SubRip and WebVTT cues that cover the speech', async () => {
      const srt = await (await upload(server, wav, [['response_format', 'srt']])).text();
      expect(srt).toMatch(/^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n\S/);
      expect(srt.toLowerCase()).toContain('kitchen');
      const vttResponse = await upload(server, wav, [['response_format', 'vtt']]);
      expect(vttResponse.headers.get('content-type')).toMatch(/^text\/vtt/);
      const vtt = await vttResponse.text();
      expect(vtt).toMatch(/^WEBVTT\n\n00:00:\d\d\.\d{3} --> 00:00:\d\d\.\d{3}\n\S/);
      expect(vtt.toLowerCase()).toContain('tomorrow');
    });

    it('refuses word timestamps outside verbose_json, and unknown granularities, with 400', async () => {
      const json = await upload(server, wav, [
        ['response_format', 'json'],
        ['timestamp_granularities[]', 'word'],
      ]);
      expect(json.status).toBe(400);
      expect((await json.json()).error.message).toContain('verbose_json');
      const odd = await upload(server, wav, [
        ['response_format', 'verbose_json'],
        ['timestamp_granularities[]', 'phoneme'],
      ]);
      expect(odd.status).toBe(400);
      expect((await odd.json()).error.message).toContain('"phoneme"');
    });

    it('answers 404 for OpenAI’s whisper-1, pointing to whisper-base', async () => {
      const response = await upload(server, wav, [['model', 'whisper-1']]);
      expect(response.status).toBe(404);
      const { error } = await response.json();
      expect(error.code).toBe('unknown_model');
      expect(error.message).toContain('did you mean "whisper-base"');
    });

    it('refuses bytes that are not audio with 400', async () => {
      const response = await upload(server, new TextEncoder().encode('RIFF not really a wave file'), []);
      expect(response.status).toBe(400);
    });
  },
);

describeRequiring(
  { models: ['piper-joe-en-us', 'whisper-base'], tools: ['ffmpeg'] },
  'transcriptions of an mp3 upload (ffmpeg decodes it)',
  () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterAll(() => server?.close());

    it('hears the mp3 answer back', async () => {
      const mp3 = new Uint8Array(await (await speak(server, { response_format: 'mp3' })).arrayBuffer());
      const response = await upload(server, mp3, [['response_format', 'text']], 'speech.mp3');
      expect(response.status).toBe(200);
      expect(wordErrorRate(twoSentences, await response.text()).rate).toBeLessThanOrEqual(0.15);
    });
  },
);

describeRequiring(
  { tools: ['espeak-ng', 'pocketsphinx_continuous'] },
  'pocketsphinx: an engine without word timings',
  () => {
    let server: TestServer;
    let wav: Uint8Array;
    beforeAll(async () => {
      server = await startTestServer();
      const response = await server.post('/v1/audio/speech', {
        model: 'espeak-ng',
        voice: 'en-us',
        input: sentence,
      });
      wav = new Uint8Array(await response.arrayBuffer());
    });
    afterAll(() => server?.close());

    it('answers 400 for word timestamps, naming the engine that has them, never words of null', async () => {
      const response = await upload(server, wav, [
        ['model', 'pocketsphinx'],
        ['response_format', 'verbose_json'],
        ['timestamp_granularities[]', 'word'],
      ]);
      expect(response.status).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe('word_timestamps_unavailable');
      expect(error.message).toMatch(/^pocketsphinx gives no word timestamps; /);
    });

    it('still gives segments in verbose_json (heard against a list of expected phrases)', async () => {
      const response = await upload(server, wav, [
        ['model', 'pocketsphinx'],
        ['phrases', [sentence, 'turn off the kitchen light', 'open the garage door'].join('\n')],
        ['response_format', 'verbose_json'],
        ['timestamp_granularities[]', 'segment'],
      ]);
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.words).toBeUndefined();
      expect(body.segments.length).toBeGreaterThan(0);
      expect(body.text).toBe('please turn on the kitchen light before dinner');
    });
  },
);
