import { describe, expect, it } from 'vitest';
import { VoiceError } from '../errors/index.js';
import { createStreamingVoiceActivity } from '../voice-activity/index.js';
import {
  createFakeSpeechToText,
  createFakeTextToSpeech,
  createFakeVoiceActivityDetector,
  createFakeVoiceActivityStream,
} from './index.js';

describe('fakes for consumers', () => {
  it('the fake TTS streams one chunk per segment, lazily, with offsets', async () => {
    const tts = createFakeTextToSpeech();
    const text = 'Bonjour M. Dupont, comment allez-vous ?\nTrès bien, merci beaucoup.';
    const iterator = tts.stream(text, { language: 'fr' })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(tts.synthesized).toEqual(['Bonjour M. Dupont, comment allez-vous ?']);
    const second = await iterator.next();
    expect(second.value?.text).toBe('Très bien, merci beaucoup.');
    expect(text.slice(second.value?.start, second.value?.end)).toBe('Très bien, merci beaucoup.');
    expect((await iterator.next()).done).toBe(true);
  });

  it('the fake TTS rejects what a real engine rejects', async () => {
    const tts = createFakeTextToSpeech();
    await expect(tts.synthesize('   ')).rejects.toMatchObject({ code: 'empty_text' });
    await expect(tts.synthesize('Hi there.', { voice: 'nobody' })).rejects.toMatchObject({
      code: 'unknown_voice',
    });
    await expect(tts.synthesize('Hi there.', { language: 'de' })).rejects.toMatchObject({
      code: 'unknown_language',
    });
    await expect(tts.synthesize('Hi there.', { speed: 0 })).rejects.toSatisfy(VoiceError.isInstance);
  });

  it('the fake STT and VAD answer from their script and from energy', async () => {
    const stt = createFakeSpeechToText({ transcript: 'allume la lumière' });
    const audio = { samples: new Float32Array(16_000), sampleRate: 16_000 };
    expect(await stt.transcribe(audio, { language: 'fr' })).toEqual({
      text: 'allume la lumière',
      segments: [{ start: 0, end: 1, text: 'allume la lumière' }],
      language: 'fr',
      duration: 1,
    });
    const pcm = new Float32Array(16_000);
    pcm.fill(0.5, 4800, 9600);
    const segments = await createFakeVoiceActivityDetector().detect(pcm, 16_000);
    expect(segments).toHaveLength(1);
    expect(segments[0]?.start).toBeCloseTo(0.3, 1);
    expect(segments[0]?.end).toBeCloseTo(0.6, 1);
  });

  it('the fake VAD stream drives the streaming voice activity from energy', async () => {
    const voice = createStreamingVoiceActivity({
      vad: { createStream: () => createFakeVoiceActivityStream() },
    });
    const pcm = new Float32Array(3 * 16_000);
    pcm.fill(0.5, 16_000, 32_000); // one loud second
    const events = [];
    for (let offset = 0; offset < pcm.length; offset += 480) {
      events.push(...(await voice.push(pcm.subarray(offset, offset + 480))));
    }
    events.push(...(await voice.end()));
    expect(events.map((event) => event.type)).toEqual(['speech-start', 'speech-end']);
    expect(events[0]?.at).toBeCloseTo(0.8, 1);
    expect(events[1]?.at).toBeCloseTo(2.2, 1);
  });
});
