import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { beforeAll, expect, it } from 'vitest';
import { audioDuration } from '../audio/pcm-audio.js';
import { decodeWav, pcm16ToFloat } from '../audio/wav.js';
import { createEspeakNgTextToSpeech } from '../engines/espeak-ng/index.js';
import { createOpenAiSpeechToText, createOpenAiTextToSpeech } from '../engines/openai/index.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

describeRequiring(
  { tools: ['espeak-ng', 'pocketsphinx_continuous'] },
  'the voice worker process and the remote engines against it',
  () => {
    const reaper = useProcessReaper();
    let baseUrl = '';
    let worker: ReturnType<typeof reaper.spawn>;

    beforeAll(async () => {
      const port = await freePort();
      worker = reaper.spawn(
        tsx,
        [
          '--conditions=@klody/source',
          'src/worker/bin.ts',
          '--port',
          String(port),
          '--alias',
          'tts=espeak-ng',
          '--alias',
          'stt=pocketsphinx',
        ],
        {
          cwd: packageRoot,
        },
      );
      baseUrl = `http://127.0.0.1:${port}`;
      await waitForHttp(`${baseUrl}/health`, { timeoutMs: 30_000 });
    });

    it('serves /health and /v1/models like any worker the gateway manages', async () => {
      expect(await (await fetch(`${baseUrl}/health`)).json()).toEqual({
        status: 'ok',
        speechModels: ['espeak-ng'],
        transcriptionModels: ['pocketsphinx'],
      });
      const models = (await (await fetch(`${baseUrl}/v1/models`)).json()) as { data: { id: string }[] };
      expect(models.data.map((model) => model.id)).toEqual(['espeak-ng', 'pocketsphinx', 'tts', 'stt']);
    });

    it('speaks French through the remote TTS engine, as the local engine does', async () => {
      const remote = createOpenAiTextToSpeech({ baseUrl, model: 'tts' });
      const text = 'Bonjour. Ceci est une phrase en français, dite par le serveur.';
      const audio = await remote.synthesize(text, { voice: 'fr-fr' });
      const local = await createEspeakNgTextToSpeech().synthesize(text, { voice: 'fr-fr' });
      expect(audio.sampleRate).toBe(22_050);
      expect(Math.abs(audioDuration(audio) - audioDuration(local))).toBeLessThan(0.05);
      expect((await remote.voices()).some((voice) => voice.id === 'fr-fr')).toBe(true);
    });

    it('streams over HTTP as audio chunks and as SSE', async () => {
      const response = await fetch(`${baseUrl}/v1/audio/speech`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'tts',
          voice: 'en-us',
          input: 'First sentence here. Second sentence there.',
          stream_format: 'audio',
        }),
      });
      const wav = decodeWav(new Uint8Array(await response.arrayBuffer()));
      expect(audioDuration(wav)).toBeGreaterThan(1.5);
      const sse = await fetch(`${baseUrl}/v1/audio/speech`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'tts',
          voice: 'en-us',
          input: 'One. Two sentences here.',
          response_format: 'pcm',
          stream_format: 'sse',
        }),
      });
      const deltas = (await sse.text())
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice(6)) as { type: string; audio?: string })
        .filter((event) => event.type === 'speech.audio.delta');
      expect(deltas.length).toBeGreaterThanOrEqual(1);
      const seconds =
        deltas.reduce(
          (sum, event) => sum + pcm16ToFloat(Buffer.from(event.audio ?? '', 'base64')).length,
          0,
        ) / 24_000;
      expect(seconds).toBeGreaterThan(1);
    });

    it('transcribes through the remote STT engine with a phrase list, exactly', async () => {
      const phrases = ['turn on the kitchen light', 'play some music', 'what time is it'];
      const spoken = await createEspeakNgTextToSpeech().synthesize('Play some music.', { voice: 'en-us' });
      const remote = createOpenAiSpeechToText({ baseUrl, model: 'stt' });
      const result = await remote.transcribe(spoken, { phrases });
      expect(result.text).toBe('play some music');
      expect(result.segments.length).toBe(1);
      expect(result.language).toBe('en');
    });

    it('gives remote callers errors that name the model or the voice', async () => {
      await expect(
        createOpenAiTextToSpeech({ baseUrl, model: 'tts-1' }).synthesize('Hello.', { voice: 'en-us' }),
      ).rejects.toMatchObject({
        code: 'unknown_model',
        message: expect.stringContaining('tts-1'),
      });
      await expect(
        createOpenAiTextToSpeech({ baseUrl, model: 'tts' }).synthesize('Hello.', { voice: 'alloy' }),
      ).rejects.toMatchObject({
        code: 'unknown_voice',
        message: expect.stringContaining('alloy'),
      });
      await expect(
        createOpenAiSpeechToText({ baseUrl, model: 'stt' }).transcribe(
          { samples: new Float32Array(8000), sampleRate: 16_000 },
          { language: 'fr' },
        ),
      ).rejects.toMatchObject({ code: 'unknown_language' });
      const nobody = createOpenAiTextToSpeech({ baseUrl: 'http://127.0.0.1:9', model: 'tts' });
      await expect(nobody.synthesize('Hello.', { voice: 'en-us' })).rejects.toMatchObject({
        code: 'engine_unavailable',
        message: expect.stringContaining('cannot reach http://127.0.0.1:9/v1/audio/speech'),
      });
    });

    it('refuses a non-loopback bind without a key, with exit code 2', async () => {
      const refused = reaper.spawn(
        tsx,
        ['--conditions=@klody/source', 'src/worker/bin.ts', '--host', '0.0.0.0', '--port', '0'],
        {
          cwd: packageRoot,
        },
      );
      const exit = await refused.exited;
      expect(exit.code).toBe(2);
      expect(refused.stderr()).toContain('--host 0.0.0.0 is not a loopback address');
    });

    it('refuses an unknown KLODY_LOG_LEVEL and a port in use, with exit code 2 and one line', async () => {
      const badLevel = reaper.spawn(tsx, ['--conditions=@klody/source', 'src/worker/bin.ts', '--port', '0'], {
        cwd: packageRoot,
        env: { ...process.env, KLODY_LOG_LEVEL: 'loud' },
      });
      expect((await badLevel.exited).code).toBe(2);
      expect(badLevel.stderr()).toMatch(/^klody-voice-worker: KLODY_LOG_LEVEL="loud" is not a log level/);
      const taken = reaper.spawn(
        tsx,
        ['--conditions=@klody/source', 'src/worker/bin.ts', '--port', new URL(baseUrl).port],
        { cwd: packageRoot },
      );
      expect((await taken.exited).code).toBe(2);
      expect(taken.stderr()).toContain(`cannot listen on 127.0.0.1:${new URL(baseUrl).port}: EADDRINUSE`);
    });

    it('logs JSON lines and stops cleanly on SIGTERM', async () => {
      expect(worker.stderr()).toContain('"message":"listening"');
      const exit = await worker.stop(10_000);
      expect(exit.code).toBe(0);
      expect(worker.stderr()).toContain('"message":"stopped"');
    });
  },
);
