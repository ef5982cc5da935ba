// Piper for real: the installed piper program and the joe voice (pnpm klody-models install).
import { installedModel } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';
import { audioDuration } from '../../audio/pcm-audio.js';
import { installedPiperVoices } from '../../models/index.js';
import { createPiperTextToSpeech } from './piper.js';

function rootMeanSquare(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}

describeRequiring({ models: ['piper-joe-en-us'] }, 'Piper with the installed joe voice', () => {
  const voices = installedPiperVoices();
  const executable = voices[0]?.executable ?? undefined;
  const tts = () =>
    createPiperTextToSpeech({
      voices: voices.map(({ id, model }) => ({ id, model })),
      ...(executable ? { executable } : {}),
    });

  it('is found through the models manifest, with its own piper program', () => {
    const model = installedModel('piper-joe-en-us');
    expect(voices).toEqual([
      { id: 'en_US-joe-medium', model: model.path, executable: model.executables.piper },
    ]);
  });

  it('lists its voice with the language from the voice config', async () => {
    expect(await tts().voices()).toEqual([
      { id: 'en_US-joe-medium', name: 'en_US-joe-medium', languages: ['en-us'], gender: null },
    ]);
  });

  it('speaks a sentence: 22,050 Hz, not silent, as long as speech of that many words', async () => {
    // Eleven words: at a speaking pace of 2–4 words a second, 2.5 to 6 seconds.
    const sentence = 'The weather will be sunny tomorrow with a light wind from the west.';
    const audio = await tts().synthesize(sentence, { language: 'en' });
    expect(audio.sampleRate).toBe(22_050);
    const seconds = audioDuration(audio);
    expect(seconds).toBeGreaterThan(2.5);
    expect(seconds).toBeLessThan(6);
    expect(rootMeanSquare(audio.samples)).toBeGreaterThan(0.02);
    // Not one clipped square wave either: speech peaks below full scale most of the time.
    const clipped = audio.samples.filter((sample) => Math.abs(sample) > 0.999).length;
    expect(clipped / audio.samples.length).toBeLessThan(0.001);
  }, 60_000);

  it('speaks each sentence of a longer text, faster at speed 2, and names the voice asked for', async () => {
    const engine = tts();
    const chunks = [];
    for await (const chunk of engine.stream('Good morning. The kitchen light is now on, as you asked.', {
      voice: 'en_US-joe-medium',
    }))
      chunks.push(chunk);
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    const normal = chunks.reduce((sum, chunk) => sum + audioDuration(chunk), 0);
    const fast = audioDuration(
      await engine.synthesize('Good morning. The kitchen light is now on, as you asked.', {
        voice: 'en_US-joe-medium',
        speed: 2,
      }),
    );
    expect(fast).toBeLessThan(normal * 0.7);
    await expect(engine.synthesize('Bonjour.', { language: 'fr' })).rejects.toMatchObject({
      code: 'unknown_language',
    });
  }, 60_000);

  it('says which program is missing, with how to install it', async () => {
    const broken = createPiperTextToSpeech({
      voices: voices.map(({ id, model }) => ({ id, model })),
      executable: '/nowhere/piper',
    });
    await expect(broken.synthesize('Hello.', { language: 'en' })).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: expect.stringContaining('pnpm klody-models install'),
    });
  });
});
