import { describe, expect, it } from 'vitest';
import { createOpenAiSpeechToText, createOpenAiTextToSpeech } from './index.js';
import { remoteError } from './openai-errors.js';

const answer = (status: number, body: string) => new Response(body, { status });

describe('remote engine errors', () => {
  it('maps what servers answer to codes that name the problem', async () => {
    const openAi = JSON.stringify({
      error: {
        message: 'The model `tts-9` does not exist',
        type: 'invalid_request_error',
        code: 'model_not_found',
      },
    });
    expect(await remoteError(answer(404, openAi), 'openai:tts-9', 'tts-9')).toMatchObject({
      code: 'unknown_model',
      message: expect.stringContaining('no model "tts-9"'),
    });
    expect(
      await remoteError(
        answer(400, JSON.stringify({ detail: 'Voice "bob" is not available' })),
        'openai:tts',
        'tts',
      ),
    ).toMatchObject({
      code: 'unknown_voice',
      message: 'openai:tts (HTTP 400): Voice "bob" is not available',
    });
    expect(
      await remoteError(
        answer(400, JSON.stringify({ error: { code: 'empty_text', message: 'the text to speak is empty' } })),
        'e',
        'm',
      ),
    ).toMatchObject({
      code: 'empty_text',
    });
    expect(await remoteError(answer(502, '<html>Bad Gateway</html>'), 'openai:stt', 'stt')).toMatchObject({
      code: 'remote_error',
      message: 'openai:stt (HTTP 502): <html>Bad Gateway</html>',
    });
  });

  it('uses the injected fetch, sends the key and the phrases, and reads verbose_json', async () => {
    const seen: { url: string; authorization: string | null; form: FormData }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      seen.push({
        url,
        authorization: new Headers(init.headers).get('authorization'),
        form: init.body as FormData,
      });
      return Response.json({
        text: 'allume la lumière',
        language: 'french',
        duration: 1,
        segments: [{ start: 0.1, end: 0.9, text: ' allume la lumière' }],
      });
    }) as typeof fetch;
    const stt = createOpenAiSpeechToText({
      baseUrl: 'http://127.0.0.1:9/v1/',
      model: 'stt',
      apiKey: 'k',
      fetch: fakeFetch,
    });
    const result = await stt.transcribe(
      { samples: new Float32Array(16_000), sampleRate: 16_000 },
      { language: 'French', phrases: ['allume la lumière', 'éteins'] },
    );
    expect(result).toEqual({
      text: 'allume la lumière',
      segments: [{ start: 0.1, end: 0.9, text: 'allume la lumière' }],
      language: 'fr',
      duration: 1,
    });
    expect(seen[0]?.url).toBe('http://127.0.0.1:9/v1/audio/transcriptions');
    expect(seen[0]?.authorization).toBe('Bearer k');
    expect(seen[0]?.form.get('language')).toBe('fr');
    expect(seen[0]?.form.get('phrases')).toBe('allume la lumière\néteins');
    expect(seen[0]?.form.get('response_format')).toBe('verbose_json');
  });

  it('needs a voice for remote speech, and says so', async () => {
    const tts = createOpenAiTextToSpeech({
      baseUrl: 'http://127.0.0.1:9',
      model: 'tts',
      fetch: (async () => Response.json({})) as unknown as typeof fetch,
    });
    await expect(tts.synthesize('Bonjour.')).rejects.toMatchObject({
      code: 'unknown_voice',
      message: expect.stringContaining('no voice given'),
    });
  });
});
