// The voice catalogue comes from the engines that run here: espeak-ng's own `--voices`, the Piper
// voices of the models folder's manifest, and the gateway's `tts` aliases (a gateway-shaped server
// over the real voice worker), never a written list.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningService, serve } from '@klody/service';
import { freePort } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { createEspeakNgTextToSpeech } from '@klody/voice';
import { createVoiceWorkerApp } from '@klody/voice/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer, wavSeconds } from './speech-test-server.js';

interface ListedVoice {
  id: string;
  engine: string;
  voice: string;
  languages: string[];
  origin: string;
}

async function voiceList(
  server: TestServer,
  query = '',
): Promise<{ voices: ListedVoice[]; notes: string[] }> {
  const response = await fetch(`${server.url}/v1/audio/voices${query}`);
  expect(response.status).toBe(200);
  return response.json();
}

/** The language column of `espeak-ng --voices`, read here independently of the app's parser. */
function espeakLanguages(): Set<string> {
  const output = execFileSync('espeak-ng', ['--voices'], { encoding: 'utf8' });
  const languages = new Set<string>();
  for (const line of output.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    // Columns: priority, language, age/gender, name, file, other languages. MBROLA voices (mb/…) need
    // their data, which is not installed here.
    if (columns.length >= 5 && !columns[4]?.startsWith('mb/'))
      languages.add((columns[1] as string).toLowerCase());
  }
  return languages;
}

describeRequiring({ tools: ['espeak-ng'] }, 'voice catalogue from the engines', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('lists exactly the voices espeak-ng itself lists', async () => {
    const { voices } = await voiceList(server, '?model=espeak-ng');
    const listed = new Set(voices.map((voice) => voice.voice));
    expect(listed).toEqual(espeakLanguages());
    expect(voices.every((voice) => voice.id === `espeak-ng/${voice.voice}` && voice.origin === 'local')).toBe(
      true,
    );
  });

  it('says the gateway is off rather than listing its aliases', async () => {
    const { notes } = await voiceList(server);
    expect(notes).toContain('no gateway (KLODY_GATEWAY_URL=none): its tts aliases are not listed');
  });

  it('answers 404 with near matches for voices of an unknown engine', async () => {
    const response = await fetch(`${server.url}/v1/audio/voices?model=espeakng`);
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain('did you mean "espeak-ng"');
  });
});

describeRequiring(
  { tools: ['espeak-ng'], models: ['piper-joe-en-us'] },
  'Piper voices from the models folder',
  () => {
    it('lists the installed Piper voice, and none when the manifest has none', async () => {
      const withPiper = await startTestServer();
      try {
        const { voices } = await voiceList(withPiper, '?model=piper');
        expect(voices.map((voice) => voice.id)).toEqual(['piper/en_US-joe-medium']);
        expect(voices[0]?.languages).toEqual(['en-us']);
      } finally {
        await withPiper.close();
      }
      // A models folder whose manifest lists no Piper voice: no Piper engine, and a note saying how.
      const emptyModels = mkdtempSync(join(tmpdir(), 'vocalbrain-models-'));
      writeFileSync(
        join(emptyModels, 'manifest.json'),
        JSON.stringify({ installedAt: new Date().toISOString(), python: '3', models: [] }),
      );
      const withoutPiper = await startTestServer({ env: { KLODY_MODELS_DIR: emptyModels } });
      try {
        const { voices, notes } = await voiceList(withoutPiper);
        expect(voices.some((voice) => voice.engine === 'piper')).toBe(false);
        expect(notes).toContain(
          'no Piper voice is installed: pnpm klody-models install (Piper and the piper-joe-en-us voice)',
        );
        const response = await withoutPiper.post('/v1/audio/speech', { model: 'piper', input: 'Hello.' });
        expect(response.status).toBe(404);
        expect((await response.json()).error.message).toContain('pnpm klody-models install');
      } finally {
        await withoutPiper.close();
      }
    });
  },
);

describeRequiring({ tools: ['espeak-ng'] }, 'the gateway’s tts aliases', () => {
  let gateway: RunningService;
  let server: TestServer;
  beforeAll(async () => {
    // A gateway-shaped server in front of the real voice worker (real espeak-ng behind `tts`): its
    // /v1/models lists the worker's name and aliases, each with the worker's kind, as the Klody gateway
    // does with examples/small.yaml's voice worker (aliases tts and stt, kind tts); like the gateway, it
    // relays POST /v1/audio/* and nothing else.
    const worker = createVoiceWorkerApp({
      speech: { 'espeak-ng': createEspeakNgTextToSpeech() },
      aliases: { tts: 'espeak-ng' },
    });
    gateway = await serve({
      service: 'fake-gateway',
      port: 0,
      fetch: (request) => {
        const path = new URL(request.url).pathname;
        if (path === '/v1/models') {
          return Response.json({
            object: 'list',
            data: ['voice', 'tts', 'stt']
              .map((id) => ({ id, worker: 'voice', kind: 'tts' }))
              .concat([{ id: 'brain', worker: 'gemma', kind: 'chat' }]),
          });
        }
        if (request.method === 'POST' && path.startsWith('/v1/audio/')) return worker.fetch(request);
        return Response.json({ error: { code: 'not_found', message: `no route ${path}` } }, { status: 404 });
      },
    });
    server = await startTestServer({ env: { KLODY_GATEWAY_URL: gateway.url } });
  });
  afterAll(async () => {
    await server?.close();
    await gateway?.close();
  });

  it('takes the tts alias as a speech engine and the stt alias as recognition, not the worker’s name', async () => {
    const models = await (await fetch(`${server.url}/v1/models`)).json();
    const fromGateway = models.data
      .filter((entry: { owned_by: string }) => entry.owned_by === 'klody-gateway')
      .map((entry: { id: string; task: string }) => `${entry.id} ${entry.task}`);
    expect(fromGateway).toEqual(['openai:tts text-to-speech', 'openai:stt speech-to-text']);
    expect((await (await fetch(`${server.url}/health`)).json()).gateway).toBe('ok');
  });

  it('says the alias lists no voices, and speaks through it with the worker’s voice or a named one', async () => {
    const { voices, notes } = await voiceList(server, '?model=tts');
    expect(voices).toEqual([]);
    expect(notes).toContain(
      'openai:tts: the gateway\'s worker lists no voices; ask for it with model "openai:tts"',
    );
    const plain = await server.post('/v1/audio/speech', { model: 'tts', input: 'Hello from the gateway.' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('x-klody-route')).toMatch(
      /^openai:tts\/\(its voice for en\): named by model "tts"/,
    );
    expect(wavSeconds(new Uint8Array(await plain.arrayBuffer()))).toBeGreaterThan(0.5);
    const named = await server.post('/v1/audio/speech', {
      model: 'tts',
      voice: 'fr-fr',
      input: 'Bonjour de la passerelle.',
    });
    expect(named.status).toBe(200);
    expect(named.headers.get('x-klody-route')).toMatch(
      /^openai:tts\/fr-fr: named by model "tts", voice "fr-fr"/,
    );
    // A voice the worker does not have is the worker's own error, relayed with its status.
    const unknown = await server.post('/v1/audio/speech', {
      model: 'tts',
      voice: 'xx-nowhere',
      input: 'Hello.',
    });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect((await unknown.json()).error.message).toContain('xx-nowhere');
  });
});

describeRequiring({ tools: ['espeak-ng'] }, 'a gateway that does not answer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { KLODY_GATEWAY_URL: `http://127.0.0.1:${await freePort()}` } });
  });
  afterAll(() => server?.close());

  it('is not listed, with a note, and /health says degraded while the local voices still speak', async () => {
    const { voices, notes } = await voiceList(server);
    expect(voices.some((voice) => voice.origin === 'gateway')).toBe(false);
    expect(
      notes.some((note) =>
        /^the gateway at http:\/\/127\.0\.0\.1:\d+ did not answer .*its tts and stt aliases are not listed$/.test(
          note,
        ),
      ),
    ).toBe(true);
    const health = await (await fetch(`${server.url}/health`)).json();
    expect(health.status).toBe('degraded');
    expect(health.gateway).toBe('unreachable');
    const response = await server.post('/v1/audio/speech', { model: 'espeak-ng', input: 'Still here.' });
    expect(response.status).toBe(200);
  });
});
