// The official OpenAI client (the one @klody/gateway-client wraps) against VocalBrain: the request
// shapes are OpenAI's own, so its `audio.speech` and `audio.transcriptions` calls work unchanged.
import { createGatewayClient } from '@klody/gateway-client';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { wordErrorRate } from '@klody/voice';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer, wavSeconds } from './speech-test-server.js';

const text = 'Please turn on the kitchen light before dinner. The weather will be sunny tomorrow morning.';

describeRequiring({ models: ['piper-joe-en-us', 'whisper-base'] }, 'the OpenAI client', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('speaks with audio.speech.create and hears it back with audio.transcriptions.create, words included', async () => {
    const { openai } = createGatewayClient({ baseURL: server.url });
    const speech = await openai.audio.speech.create({
      model: 'piper',
      voice: 'en_US-joe-medium',
      input: text,
      response_format: 'wav',
      speed: 1,
      instructions: 'Speak calmly.',
    });
    const wav = new Uint8Array(await speech.arrayBuffer());
    expect(wavSeconds(wav)).toBeGreaterThan(3);
    const transcription = await openai.audio.transcriptions.create({
      file: new File([wav as Uint8Array<ArrayBuffer>], 'speech.wav', { type: 'audio/wav' }),
      model: 'whisper-base',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(wordErrorRate(text, transcription.text).rate).toBeLessThanOrEqual(0.15);
    expect(transcription.words?.length).toBeGreaterThan(10);
    expect(transcription.segments?.length).toBeGreaterThanOrEqual(1);
  });

  it('gets a 404 for OpenAI’s own model names, which the client raises with our message', async () => {
    const { openai } = createGatewayClient({ baseURL: server.url });
    const failure = await openai.audio.speech
      .create({ model: 'tts-1', voice: 'alloy', input: 'Hello.' })
      .catch((error: unknown) => error);
    // The client's own error class for a 404 (openai is not a dependency of this app: named, not imported).
    expect((failure as Error).constructor.name).toBe('NotFoundError');
    expect((failure as { status?: number }).status).toBe(404);
    expect((failure as Error).message).toContain('no model "tts-1" here');
  });
});
