// timestamp_granularities on /v1/audio/transcriptions, with fake engines: one that aligns words and
// one that cannot.
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../audio/wav.js';
import type { SpeechToText } from '../speech-to-text/speech-to-text.js';
import { createFakeSpeechToText } from '../testing/index.js';
import { createVoiceWorkerApp } from './voice-worker-app.js';

const host = { host: '127.0.0.1:8610' };
const clip = new Blob([encodeWav({ channels: [new Float32Array(16_000)], sampleRate: 16_000 })]);

const aligning: SpeechToText = {
  id: 'aligning',
  languages: async () => [],
  async transcribe(audio, options = {}) {
    return {
      text: 'allume la lumière',
      segments: [{ start: 0, end: 1, text: 'allume la lumière' }],
      language: 'fr',
      languageProbability: 0.97,
      ...(options.wordTimestamps
        ? {
            words: [
              { start: 0, end: 0.4, word: 'allume', probability: 0.9 },
              { start: 0.4, end: 0.5, word: 'la', probability: 0.9 },
              { start: 0.5, end: 1, word: 'lumière', probability: 0.8 },
            ],
          }
        : {}),
      duration: audio.samples.length / audio.sampleRate,
    };
  },
};

function transcribe(model: string, fields: [string, string][]) {
  const app = createVoiceWorkerApp({
    transcription: { aligning, plain: createFakeSpeechToText({ id: 'plain', transcript: 'bonjour' }) },
  });
  const form = new FormData();
  form.set('file', clip, 'clip.wav');
  form.set('model', model);
  for (const [name, value] of fields) form.append(name, value);
  return app.request('/v1/audio/transcriptions', { method: 'POST', headers: host, body: form });
}

describe('word timestamps on /v1/audio/transcriptions', () => {
  it('gives words, language and its probability in verbose_json when asked as OpenAI clients ask', async () => {
    const response = await transcribe('aligning', [
      ['response_format', 'verbose_json'],
      ['timestamp_granularities[]', 'word'],
      ['timestamp_granularities[]', 'segment'],
    ]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      task: 'transcribe',
      language: 'fr',
      language_probability: 0.97,
      duration: 1,
      text: 'allume la lumière',
      no_match: null,
      segments: [{ id: 0, start: 0, end: 1, text: 'allume la lumière' }],
      words: [
        { word: 'allume', start: 0, end: 0.4 },
        { word: 'la', start: 0.4, end: 0.5 },
        { word: 'lumière', start: 0.5, end: 1 },
      ],
    });
  });

  it('gives no words unless asked', async () => {
    const response = await transcribe('aligning', [['response_format', 'verbose_json']]);
    expect(Object.keys((await response.json()) as object)).not.toContain('words');
  });

  it('answers 400 with JSON for words from a model that cannot align them, or outside verbose_json', async () => {
    for (const [model, fields, message] of [
      [
        'plain',
        [
          ['response_format', 'verbose_json'],
          ['timestamp_granularities[]', 'word'],
        ],
        'gives no word timestamps',
      ],
      ['aligning', [['timestamp_granularities[]', 'word']], 'needs response_format "verbose_json"'],
      [
        'aligning',
        [
          ['response_format', 'verbose_json'],
          ['timestamp_granularities[]', 'phoneme'],
        ],
        '"phoneme"',
      ],
    ] as const) {
      const response = await transcribe(
        model,
        fields.map(([name, value]) => [name, value]),
      );
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_options');
      expect(body.error.message).toContain(message);
    }
  });
});
