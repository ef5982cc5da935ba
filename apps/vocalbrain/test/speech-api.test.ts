// The speech API on a real server with the real espeak-ng (and ffmpeg for mp3/opus): whole answers,
// streams, SSE, errors. Recognition round trips are in speech-transcriptions.test.ts.
import { rawRequest } from '@klody/service/testing';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { decodeWav, pcm16ToFloat } from '@klody/voice';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sseEvents, startTestServer, type TestServer, wavSeconds } from './speech-test-server.js';

// Each sentence is long enough to be its own segment (shorter ones are merged with the next).
const twoSentences = 'The kettle on the stove is boiling now. Please bring two cups to the table.';

describeRequiring({ tools: ['espeak-ng'] }, 'speech API on espeak-ng', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('answers a whole WAV whose header states its true length and rate', async () => {
    const response = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      voice: 'en-us',
      input: twoSentences,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
    expect(view.getUint32(40, true)).toBe(bytes.length - 44);
    const wav = decodeWav(bytes);
    expect(String(wav.sampleRate)).toBe(response.headers.get('x-sample-rate'));
    // Two sentences at espeak-ng's 175 words a minute: about 3 to 4 seconds.
    expect(wavSeconds(bytes)).toBeGreaterThan(2);
    expect(wavSeconds(bytes)).toBeLessThan(8);
    expect(response.headers.get('x-klody-route')).toMatch(
      /^espeak-ng\/en-us: named by model "espeak-ng", voice "en-us"; quality low/,
    );
  });

  it('answers PCM at 24 kHz as OpenAI does, saying the rate, as long as the WAV', async () => {
    const [pcmResponse, wavResponse] = await Promise.all([
      server.post('/v1/audio/speech', {
        model: 'espeak-ng',
        voice: 'en-us',
        input: twoSentences,
        response_format: 'pcm',
      }),
      server.post('/v1/audio/speech', { model: 'espeak-ng', voice: 'en-us', input: twoSentences }),
    ]);
    expect(pcmResponse.headers.get('content-type')).toBe('audio/pcm');
    expect(pcmResponse.headers.get('x-sample-rate')).toBe('24000');
    const pcm = new Uint8Array(await pcmResponse.arrayBuffer());
    expect(pcm.length % 2).toBe(0);
    const pcmSeconds = pcm.length / 2 / 24_000;
    expect(Math.abs(pcmSeconds - wavSeconds(new Uint8Array(await wavResponse.arrayBuffer())))).toBeLessThan(
      0.01,
    );
  });

  it('streams SSE deltas whose audio is exactly the PCM answer, then a done event', async () => {
    const [sse, whole] = await Promise.all([
      server.post('/v1/audio/speech', {
        model: 'espeak-ng',
        voice: 'en-us',
        input: twoSentences,
        response_format: 'pcm',
        stream_format: 'sse',
      }),
      server.post('/v1/audio/speech', {
        model: 'espeak-ng',
        voice: 'en-us',
        input: twoSentences,
        response_format: 'pcm',
      }),
    ]);
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(sse.headers.get('x-sample-rate')).toBe('24000');
    const events = sseEvents(await sse.text());
    const deltas = events.filter((event) => event.type === 'speech.audio.delta');
    // One delta per sentence and one per pause between them, at least.
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(events.at(-1)?.type).toBe('speech.audio.done');
    expect(events.at(-1)?.usage).toEqual({
      input_tokens: twoSentences.length,
      output_tokens: 0,
      total_tokens: twoSentences.length,
    });
    const joined = Buffer.concat(deltas.map((event) => Buffer.from(event.audio as string, 'base64')));
    expect(joined.equals(Buffer.from(await whole.arrayBuffer()))).toBe(true);
  });

  it('streams a long text sentence by sentence: the first audio comes long before the last', async () => {
    const text = Array.from(
      { length: 24 },
      (_, index) => `This is sentence number ${index + 1} of a long reading.`,
    ).join(' ');
    const started = performance.now();
    const response = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      voice: 'en-us',
      input: text,
      stream_format: 'audio',
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const parts: Uint8Array[] = [];
    let firstAudioMs: number | null = null;
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      received += value.length;
      // Past the 44-byte header: the first sentence's samples.
      if (firstAudioMs === null && received > 44) firstAudioMs = performance.now() - started;
    }
    const totalMs = performance.now() - started;
    expect(firstAudioMs).not.toBeNull();
    expect(firstAudioMs as number).toBeLessThan(totalMs / 3);
    const bytes = Buffer.concat(parts);
    // A stream's WAV header says "unknown length"; the samples that follow are the whole reading.
    expect(bytes.readUInt32LE(40)).toBe(0xffffffff);
    const seconds = (bytes.length - 44) / 2 / Number(response.headers.get('x-sample-rate'));
    expect(seconds).toBeGreaterThan(24 * 1.5);
  });

  it('takes a text far longer than any cap (150,000 characters) and starts speaking it at once', async () => {
    const text = 'A long chapter goes on and on. '.repeat(5_000);
    expect(text.length).toBe(155_000);
    const response = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      input: text,
      stream_format: 'audio',
      response_format: 'pcm',
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(pcm16ToFloat(first.value as Uint8Array).some((sample) => Math.abs(sample) > 0.01)).toBe(true);
    await reader.cancel();
  });

  it('refuses a body over the 8 MiB JSON limit with 413', async () => {
    const response = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      input: 'x'.repeat(9 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('body_too_large');
  });

  it('routes a request that names no model, saying why in x-klody-route', async () => {
    const response = await server.post('/v1/audio/speech', {
      input: 'Bonjour à tous, je suis très content de vous voir.',
    });
    expect(response.status).toBe(200);
    const route = response.headers.get('x-klody-route') ?? '';
    expect(route).toMatch(/^(espeak-ng\/fr-fr|piper\/\S+): .*language fr detected from the text/);
    expect(wavSeconds(new Uint8Array(await response.arrayBuffer()))).toBeGreaterThan(1);
  });

  it('answers 404 for an unknown model, naming it, with near matches and how to install', async () => {
    const response = await server.post('/v1/audio/speech', { model: 'espeak', input: 'Hello.' });
    expect(response.status).toBe(404);
    const { error } = await response.json();
    expect(error.code).toBe('unknown_model');
    expect(error.message).toContain('no model "espeak"');
    expect(error.message).toContain('did you mean "espeak-ng"?');
    expect(error.message).toContain('apt-get install espeak-ng');
    expect(error.near_matches).toBe('espeak-ng');
  });

  it('answers 404 for an unknown voice with the engine’s near voices', async () => {
    const response = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      voice: 'fr-frr',
      input: 'Bonjour.',
    });
    expect(response.status).toBe(404);
    const { error } = await response.json();
    expect(error.code).toBe('unknown_voice');
    expect(error.message).toContain('no voice "fr-frr" for espeak-ng');
    expect(error.near_matches.split(', ')).toContain('fr-fr');
  });

  it('answers 404 for an espeak-ng variant that does not exist', async () => {
    const response = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      voice: 'en-us+nosuchvariant',
      input: 'Hello.',
    });
    expect(response.status).toBe(404);
    const { error } = await response.json();
    expect(error.code).toBe('unknown_voice');
    expect(error.message).toContain('nosuchvariant');
  });

  it('answers 404 for a Piper-looking voice nobody has, saying how to install Piper voices', async () => {
    const response = await server.post('/v1/audio/speech', {
      voice: 'de_DE-thorsten-medium',
      input: 'Hallo.',
    });
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain('pnpm klody-models install');
  });

  it('refuses bad requests with 400 and the field named', async () => {
    const cases: [unknown, RegExp][] = [
      [{ model: 'espeak-ng', input: '   ' }, /input is empty/],
      [
        { model: 'espeak-ng', input: 'Hi.', response_format: 'aac' },
        /response_format must be "wav", "pcm", "mp3" or "opus"/,
      ],
      [{ model: 'espeak-ng', input: 'Hi.', speed: 9 }, /^speed:/],
      [
        { model: 'espeak-ng', input: 'Hi.', stream_format: 'chunks' },
        /stream_format must be "audio" or "sse"/,
      ],
      [{ model: 'espeak-ng' }, /^input: input must be a string/],
    ];
    for (const [body, message] of cases) {
      const response = await server.post('/v1/audio/speech', body);
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(message);
    }
  });

  it('refuses a foreign Host and a foreign Origin', async () => {
    const host = await rawRequest(server.url, { path: '/v1/models', headers: { host: 'evil.example:8600' } });
    expect(host.status).toBe(403);
    expect(host.errorCode).toBeTypeOf('string');
    const origin = await server.post(
      '/v1/audio/speech',
      { model: 'espeak-ng', input: 'Hi.' },
      { origin: 'https://evil.example' },
    );
    expect(origin.status).toBe(403);
    expect((await origin.json()).error.code).toBeTypeOf('string');
  });

  it('lists its models the OpenAI way: auto, the engines, the transcription models', async () => {
    const body = await (await fetch(`${server.url}/v1/models`)).json();
    expect(body.object).toBe('list');
    const ids = body.data.map((entry: { id: string }) => entry.id);
    expect(ids).toContain('auto');
    expect(ids).toContain('espeak-ng');
    for (const entry of body.data) expect(entry.object).toBe('model');
  });
});

describeRequiring({ tools: ['espeak-ng', 'ffmpeg'] }, 'speech API: mp3 and opus through ffmpeg', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('answers mp3 frames and an Ogg Opus file', async () => {
    const mp3 = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      input: twoSentences,
      response_format: 'mp3',
    });
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    const mp3Bytes = Buffer.from(await mp3.arrayBuffer());
    const startsLikeMp3 =
      mp3Bytes.subarray(0, 3).toString('latin1') === 'ID3' ||
      (mp3Bytes[0] === 0xff && ((mp3Bytes[1] ?? 0) & 0xe0) === 0xe0);
    expect(startsLikeMp3).toBe(true);
    expect(mp3Bytes.length).toBeGreaterThan(5_000);
    const opus = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      input: twoSentences,
      response_format: 'opus',
      stream_format: 'audio',
    });
    expect(opus.headers.get('content-type')).toBe('audio/ogg');
    const opusBytes = Buffer.from(await opus.arrayBuffer());
    expect(opusBytes.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(opusBytes.includes(Buffer.from('OpusHead'))).toBe(true);
  });
});

describeRequiring({ tools: ['espeak-ng'] }, 'speech API without ffmpeg', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { KLODY_VOCALBRAIN_FFMPEG: '/nonexistent/ffmpeg' } });
  });
  afterAll(() => server?.close());

  it('answers 501 naming ffmpeg and how to install it, and still serves wav', async () => {
    const response = await server.post('/v1/audio/speech', {
      model: 'espeak-ng',
      input: 'Hello.',
      response_format: 'mp3',
    });
    expect(response.status).toBe(501);
    const { error } = await response.json();
    expect(error.code).toBe('ffmpeg_unavailable');
    expect(error.message).toContain('response_format "mp3" needs ffmpeg');
    expect(error.message).toContain('apt-get install ffmpeg');
    const wav = await server.post('/v1/audio/speech', { model: 'espeak-ng', input: 'Hello.' });
    expect(wav.status).toBe(200);
  });
});
