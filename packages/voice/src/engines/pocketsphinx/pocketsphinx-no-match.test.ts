// A sentence that is not on the phrase list must come back as an explicit "no match" everywhere
// it can surface: the engine's result, the CLI (exit 1 and a line on stderr), and the worker.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonoAudio } from '../../audio/pcm-audio.js';
import { encodeWav } from '../../audio/wav.js';
import { runCapturedCli } from '../../cli/captured-cli.js';
import { createFakeSpeechToText } from '../../testing/index.js';
import { createVoiceWorkerApp } from '../../worker/voice-worker-app.js';
import { createEspeakNgTextToSpeech } from '../espeak-ng/index.js';
import { createOpenAiSpeechToText } from '../openai/index.js';
import { createPocketsphinxSpeechToText } from './pocketsphinx.js';

const phrases = ['turn on the hallway light', 'cancel the timer', 'skip this song'];
const host = { host: '127.0.0.1:8610' };

function upload(app: ReturnType<typeof createVoiceWorkerApp>, audio: MonoAudio, format = 'json') {
  const form = new FormData();
  form.set(
    'file',
    new Blob([encodeWav({ channels: [audio.samples], sampleRate: audio.sampleRate })]),
    'a.wav',
  );
  form.set('phrases', phrases.join('\n'));
  form.set('response_format', format);
  return app.request('/v1/audio/transcriptions', { method: 'POST', headers: host, body: form });
}

describe('voice worker: an engine that returns no text without saying why', () => {
  const app = createVoiceWorkerApp({ transcription: { quiet: createFakeSpeechToText({ transcript: '' }) } });
  const sampleRate = 16_000;

  it('still answers with the reason, in every response format', async () => {
    const silent = { samples: new Float32Array(sampleRate), sampleRate };
    const json = await upload(app, silent);
    expect(json.headers.get('x-klody-no-match')).toBe('silence');
    expect(await json.json()).toEqual({
      text: '',
      no_match: { reason: 'silence', message: 'no speech: the audio is silent (below -60 dBFS)' },
    });
    const loud = {
      samples: Float32Array.from({ length: sampleRate }, (_, i) => 0.3 * Math.sin(i / 5)),
      sampleRate,
    };
    const verbose = (await (await upload(app, loud, 'verbose_json')).json()) as { no_match: unknown };
    expect(verbose.no_match).toEqual({
      reason: 'no_phrase_matched',
      message: 'no match: the speech matched none of the 3 expected phrases',
    });
    const text = await upload(app, loud, 'text');
    expect(await text.text()).toBe('');
    expect(text.headers.get('x-klody-no-match')).toBe('no_phrase_matched');
  });
});

describe('remote engine: the server says why its text is empty', () => {
  const loud = {
    samples: Float32Array.from({ length: 16_000 }, (_, i) => 0.3 * Math.sin(i / 5)),
    sampleRate: 16_000,
  };
  const answering = (body: unknown) =>
    createOpenAiSpeechToText({
      baseUrl: 'http://127.0.0.1:8610/v1',
      model: 'stt',
      fetch: async () => Response.json(body),
    });

  it("takes the server's reason over its own guess, and guesses when there is none", async () => {
    const told = { reason: 'nothing_recognised', message: 'no match: no words were recognised in the audio' };
    expect((await answering({ text: '', no_match: told }).transcribe(loud, { phrases })).noMatch).toEqual(
      told,
    );
    // OpenAI's API sends no reason: judged from the audio (sound, with a phrase list).
    expect((await answering({ text: '' }).transcribe(loud, { phrases })).noMatch?.reason).toBe(
      'no_phrase_matched',
    );
    expect(
      (await answering({ text: 'skip this song' }).transcribe(loud, { phrases })).noMatch,
    ).toBeUndefined();
  });
});

describeRequiring(
  { tools: ['espeak-ng', 'pocketsphinx_continuous'] },
  'pocketsphinx: a sentence off the phrase list',
  () => {
    const folder = mkdtempSync(join(tmpdir(), 'klody-pocketsphinx-no-match-'));
    let offList: MonoAudio;
    beforeAll(async () => {
      offList = await createEspeakNgTextToSpeech().synthesize('please send an email to my boss', {
        language: 'en-us',
      });
      writeFileSync(
        join(folder, 'off-list.wav'),
        encodeWav({ channels: [offList.samples], sampleRate: offList.sampleRate }),
      );
      writeFileSync(join(folder, 'phrases.txt'), `${phrases.join('\n')}\n`);
    });
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    it('is a no_phrase_matched result from the engine, not a bare empty text', async () => {
      const result = await createPocketsphinxSpeechToText().transcribe(offList, { phrases });
      expect(result.text).toBe('');
      expect(result.noMatch).toEqual({
        reason: 'no_phrase_matched',
        message: 'no match: the speech matched none of the 3 expected phrases',
      });
    });

    it('makes the CLI exit 1 with the reason on stderr, and nothing on stdout', async () => {
      for (const json of [false, true]) {
        const { code, stdout, stderr } = await runCapturedCli(
          ['transcribe', 'off-list.wav', '--phrases', 'phrases.txt', ...(json ? ['--json'] : [])],
          { env: process.env, cwd: folder },
        );
        expect(code).toBe(1);
        expect(stderr).toBe('klody-voice: no match: the speech matched none of the 3 expected phrases\n');
        if (json) {
          expect(JSON.parse(stdout)).toMatchObject({ text: '', noMatch: { reason: 'no_phrase_matched' } });
        } else {
          expect(stdout).toBe('');
        }
      }
    });

    it('comes back from the worker as no_match, and through the remote engine as noMatch', async () => {
      const app = createVoiceWorkerApp({ transcription: { pocketsphinx: createPocketsphinxSpeechToText() } });
      const response = await upload(app, offList);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-klody-no-match')).toBe('no_phrase_matched');
      expect(await response.json()).toMatchObject({ text: '', no_match: { reason: 'no_phrase_matched' } });
      const remote = createOpenAiSpeechToText({
        baseUrl: 'http://127.0.0.1:8610/v1',
        model: 'pocketsphinx',
        fetch: async (url, init) =>
          app.request(String(url), {
            ...init,
            headers: { ...(init?.headers as Record<string, string>), ...host },
          }),
      });
      expect((await remote.transcribe(offList, { phrases })).noMatch).toEqual({
        reason: 'no_phrase_matched',
        message: 'no match: the speech matched none of the 3 expected phrases',
      });
    });
  },
);
