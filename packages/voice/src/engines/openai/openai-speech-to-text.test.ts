import { describe, expect, it } from 'vitest';
import { createOpenAiSpeechToText } from './openai-speech-to-text.js';

const second = { samples: new Float32Array(16_000).fill(0.1), sampleRate: 16_000 };

function serverAnswering(body: unknown) {
  const forms: FormData[] = [];
  const fetchImplementation = (async (_url: string, init: RequestInit) => {
    forms.push(init.body as FormData);
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { forms, fetchImplementation };
}

describe('remote speech-to-text: word timestamps and language probability', () => {
  it('asks for words as OpenAI clients do, and reads them with the language probability', async () => {
    const server = serverAnswering({
      text: 'allume la lumière',
      language: 'french',
      language_probability: 0.93,
      segments: [{ start: 0, end: 1, text: 'allume la lumière' }],
      words: [
        { word: ' allume', start: 0, end: 0.4 },
        { word: 'la', start: 0.4, end: 0.5 },
        { word: 'lumière', start: 0.5, end: 1 },
      ],
    });
    const stt = createOpenAiSpeechToText({
      baseUrl: 'http://127.0.0.1:1',
      model: 'hear',
      fetch: server.fetchImplementation,
    });
    const result = await stt.transcribe(second, { wordTimestamps: true });
    expect(server.forms[0]?.getAll('timestamp_granularities[]')).toEqual(['word', 'segment']);
    expect(result).toMatchObject({
      language: 'fr',
      languageProbability: 0.93,
      words: [
        { word: 'allume', start: 0, end: 0.4 },
        { word: 'la', start: 0.4, end: 0.5 },
        { word: 'lumière', start: 0.5, end: 1 },
      ],
    });
  });

  it('neither asks for nor returns words unless told to, and has no probability when none is sent', async () => {
    const server = serverAnswering({
      text: 'hello',
      language: 'en',
      words: [{ word: 'hello', start: 0, end: 1 }],
    });
    const stt = createOpenAiSpeechToText({
      baseUrl: 'http://127.0.0.1:1',
      model: 'hear',
      fetch: server.fetchImplementation,
    });
    const result = await stt.transcribe(second);
    expect(server.forms[0]?.getAll('timestamp_granularities[]')).toEqual([]);
    expect(result.words).toBeUndefined();
    expect(result.languageProbability).toBeUndefined();
  });
});
