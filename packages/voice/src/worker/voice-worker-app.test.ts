import { createLogger } from '@klody/service';
import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, wavHeader } from '../audio/wav.js';
import { createFakeSpeechToText, createFakeTextToSpeech } from '../testing/index.js';
import { createVoiceWorkerApp } from './voice-worker-app.js';

const host = { host: '127.0.0.1:8610' };
const json = { ...host, 'content-type': 'application/json' };

function app(options: Partial<Parameters<typeof createVoiceWorkerApp>[0]> = {}) {
  return createVoiceWorkerApp({
    speech: { fake: createFakeTextToSpeech() },
    transcription: { 'fake-stt': createFakeSpeechToText({ transcript: 'allume la lumière' }) },
    aliases: { tts: 'fake' },
    ...options,
  });
}

function speech(body: unknown, options: Partial<Parameters<typeof createVoiceWorkerApp>[0]> = {}) {
  return app(options).request('/v1/audio/speech', {
    method: 'POST',
    headers: json,
    body: JSON.stringify(body),
  });
}

function upload(file: Blob, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('file', file, 'clip.wav');
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return app().request('/v1/audio/transcriptions', { method: 'POST', headers: host, body: form });
}

describe('voice worker routes (with fake engines)', () => {
  it('answers /health and lists models and aliases', async () => {
    expect(await (await app().request('/health', { headers: host })).json()).toEqual({
      status: 'ok',
      speechModels: ['fake'],
      transcriptionModels: ['fake-stt'],
    });
    const models = (await (await app().request('/v1/models', { headers: host })).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((model) => model.id)).toEqual(['fake', 'fake-stt', 'tts']);
  });

  it('refuses foreign Host and Origin headers, and answers unknown routes with JSON 404', async () => {
    const foreign = await app().request('/health', { headers: { host: 'evil.example:8610' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'forbidden_host' } });
    const origin = await app().request('/health', { headers: { ...host, origin: 'https://evil.example' } });
    expect(origin.status).toBe(403);
    expect(
      (await app().request('/health', { headers: { ...host, origin: 'http://localhost:3000' } })).status,
    ).toBe(200);
    const missing = await app().request('/v2/nothing', { headers: host });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it("answers Host and Origin by @klody/service's one loopback policy", async () => {
    const statusFor = async (headers: Record<string, string>) =>
      (await app().request('/health', { headers })).status;
    // What the kit changed: every 127.0.0.0/8 address and *.localhost name are this machine; an
    // unbracketed IPv6 address is no valid Host; an opaque Origin ("null") is foreign.
    expect(await statusFor({ host: '127.0.0.2:8610' })).toBe(200);
    expect(await statusFor({ host: 'worker.localhost:8610' })).toBe(200);
    expect(await statusFor({ host: '[::1]:8610' })).toBe(200);
    expect(await statusFor({ host: '::1' })).toBe(403);
    expect(await statusFor({ ...host, origin: 'null' })).toBe(403);
    expect(await statusFor({ ...host, origin: 'http://app.localhost:5173' })).toBe(200);
    // Extra names and origins are configured, never guessed from each other.
    const lan = app({ allowedHosts: ['klody.lan'], allowedOrigins: ['https://klody.lan'] });
    expect((await lan.request('/health', { headers: { host: 'klody.lan:8610' } })).status).toBe(200);
    expect(
      (await lan.request('/health', { headers: { host: 'klody.lan', origin: 'https://klody.lan' } })).status,
    ).toBe(200);
    const foreign = await lan.request('/health', {
      headers: { host: 'klody.lan', origin: 'http://klody.lan:8080' },
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'forbidden_origin' } });
  });

  it('synthesises a WAV whose header is exact, through an alias', async () => {
    const response = await speech({ model: 'tts', input: 'Bonjour tout le monde.', voice: 'fake-fr' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const wav = decodeWav(new Uint8Array(await response.arrayBuffer()));
    expect(wav.sampleRate).toBe(16_000);
    expect(wav.channels[0]?.length).toBe(Math.round('Bonjour tout le monde.'.length * 0.06 * 16_000));
  });

  it('streams PCM at 24 kHz as audio and as SSE deltas', async () => {
    const text = 'Première phrase assez longue.\nDeuxième phrase assez longue.';
    const audio = await speech({
      model: 'fake',
      input: text,
      voice: 'fake-fr',
      response_format: 'pcm',
      stream_format: 'audio',
    });
    expect(audio.headers.get('x-sample-rate')).toBe('24000');
    const bytes = new Uint8Array(await audio.arrayBuffer());
    expect(bytes.byteLength / 2).toBeCloseTo(text.replace('\n', '').length * 0.06 * 24_000, -2);
    const sse = await speech({
      model: 'fake',
      input: text,
      voice: 'fake-fr',
      response_format: 'pcm',
      stream_format: 'sse',
    });
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    const events = (await sse.text())
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { type: string; audio?: string });
    expect(events.map((event) => event.type)).toEqual([
      'speech.audio.delta',
      'speech.audio.delta',
      'speech.audio.done',
    ]);
    expect(Buffer.from(events[0]?.audio ?? '', 'base64').byteLength).toBeGreaterThan(1000);
  });

  it('answers bad speech requests with JSON errors and the right status', async () => {
    const cases: [unknown, number, string][] = [
      [{ model: 'fake', input: '   ', voice: 'fake-fr' }, 400, 'empty_text'],
      [{ model: 'fake', input: 'Bonjour.', voice: 'alloy' }, 400, 'unknown_voice'],
      [{ model: 'fake', input: 'Bonjour.', language: 'tlh' }, 400, 'unknown_language'],
      [{ model: 'tts-1-hd', input: 'Bonjour.' }, 404, 'unknown_model'],
      [{ model: 'fake', input: 'Bonjour.', response_format: 'mp3' }, 400, 'invalid_options'],
      [{ model: 'fake', input: 'Bonjour.', speed: 99 }, 400, 'invalid_options'],
      [{ model: 'fake' }, 400, 'invalid_options'],
      [{ model: 'fake', input: 'Bonjour.', stream_format: 'sse' }, 400, 'invalid_options'],
    ];
    for (const [body, status, code] of cases) {
      const response = await speech(body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(await response.json()).toMatchObject({ error: { code } });
    }
    const notJson = await app().request('/v1/audio/speech', { method: 'POST', headers: json, body: '{nope' });
    expect(notJson.status).toBe(400);
    const tooLong = await speech({ model: 'fake', input: 'a'.repeat(50) }, { maxInputCharacters: 10 });
    expect(tooLong.status).toBe(413);
    const tooLarge = await speech({ model: 'fake', input: 'a'.repeat(5000) }, { maxJsonBytes: 1000 });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: { code: 'body_too_large' } });
  });

  it('transcribes a WAV upload as json, verbose_json and text', async () => {
    const wav = new Blob([encodeWav({ channels: [new Float32Array(32_000)], sampleRate: 16_000 })]);
    expect(await (await upload(wav)).json()).toEqual({ text: 'allume la lumière', no_match: null });
    expect(await (await upload(wav, { response_format: 'verbose_json', language: 'fr' })).json()).toEqual({
      task: 'transcribe',
      language: 'fr',
      duration: 2,
      text: 'allume la lumière',
      no_match: null,
      segments: [{ id: 0, start: 0, end: 2, text: 'allume la lumière' }],
    });
    expect(await (await upload(wav, { response_format: 'text' })).text()).toBe('allume la lumière');
  });

  it('answers bad uploads with errors that name the problem', async () => {
    const notWav = await upload(new Blob(['just some text']));
    expect(notWav.status).toBe(400);
    expect(await notWav.json()).toMatchObject({
      error: {
        code: 'invalid_audio',
        message: expect.stringContaining('clip.wav is not a readable WAV file'),
      },
    });
    const empty = await upload(new Blob([wavHeader(16_000, 1, 0)]));
    expect(await empty.json()).toMatchObject({ error: { code: 'empty_audio' } });
    const zeroBytes = await upload(new Blob([]));
    expect(await zeroBytes.json()).toMatchObject({
      error: { code: 'invalid_audio', message: expect.stringContaining('0 bytes') },
    });
    const wrongFormat = await upload(
      new Blob([encodeWav({ channels: [new Float32Array(10)], sampleRate: 16_000 })]),
      {
        response_format: 'srt',
      },
    );
    expect(wrongFormat.status).toBe(400);
    const notMultipart = await app().request('/v1/audio/transcriptions', {
      method: 'POST',
      headers: json,
      body: '{}',
    });
    expect(await notMultipart.json()).toMatchObject({ error: { code: 'invalid_options' } });
  });

  it('refuses uploads over the audio limit with 413 before reading them', async () => {
    const form = new FormData();
    form.set(
      'file',
      new Blob([encodeWav({ channels: [new Float32Array(16_000)], sampleRate: 16_000 })]),
      'big.wav',
    );
    const response = await app({ maxAudioBytes: 1000 }).request('/v1/audio/transcriptions', {
      method: 'POST',
      headers: host,
      body: form,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'body_too_large' } });
    // The unread rest of the body leaves the connection useless: the client is told to drop it.
    expect(response.headers.get('connection')).toBe('close');
  });

  it('requires the bearer key when one is set', async () => {
    const locked = app({ apiKey: 'secret' });
    expect((await locked.request('/v1/models', { headers: host })).status).toBe(401);
    expect(
      (await locked.request('/v1/models', { headers: { ...host, authorization: 'Bearer secret' } })).status,
    ).toBe(200);
    expect((await locked.request('/health', { headers: host })).status).toBe(200);
    const wrong = await locked.request('/v1/models', {
      headers: { ...host, authorization: 'Bearer secreT' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'unauthorized' } });
    // What the kit changed: a header that is not "Bearer <key>" is a malformed request, not a wrong key.
    const basic = await locked.request('/v1/models', {
      headers: { ...host, authorization: 'Basic c2VjcmV0' },
    });
    expect(basic.status).toBe(400);
    expect(await basic.json()).toMatchObject({ error: { code: 'invalid_authorization' } });
  });

  it('logs a failure that is no VoiceError with the request id, and answers 500 internal_error', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: 'voice-worker',
      level: 'info',
      destination: { write: (line: string) => lines.push(line) },
    });
    // A fake recogniser that fails the way a bug does: a plain TypeError.
    const transcript = () => {
      throw new TypeError('the fake recogniser is broken');
    };
    const form = new FormData();
    form.set('file', new Blob([encodeWav({ channels: [new Float32Array(160)], sampleRate: 16_000 })]));
    const response = await createVoiceWorkerApp({
      transcription: { broken: createFakeSpeechToText({ transcript }) },
      logger,
    }).request('/v1/audio/transcriptions', {
      method: 'POST',
      headers: { ...host, 'x-request-id': 'call-42' },
      body: form,
    });
    expect([response.status, response.headers.get('x-request-id')]).toEqual([500, 'call-42']);
    expect(await response.text()).toMatch(/^\{"error":\{"code":"internal_error","message":"[^"]+"\}\}$/);
    const logged = lines.map((line) => JSON.parse(line));
    expect(logged).toContainEqual(
      expect.objectContaining({ err: expect.objectContaining({ type: 'TypeError' }) }),
    );
    expect(logged.at(-1)).toMatchObject({ service: 'voice-worker', requestId: 'call-42', status: 500 });
  });
});
