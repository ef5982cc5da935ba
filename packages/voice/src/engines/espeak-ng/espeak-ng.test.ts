import { describeRequiring } from '@klody/test-helpers/vitest';
import { describe, expect, it } from 'vitest';
import { audioDuration } from '../../audio/pcm-audio.js';
import { createEspeakNgTextToSpeech } from './espeak-ng-binary.js';
import { createEspeakNgWasmTextToSpeech } from './espeak-ng-wasm.js';
import { parseEspeakVariantList, parseEspeakVoiceList, resolveEspeakVoice } from './espeak-voices.js';

const voiceList = `Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  fr-fr           --/M      French_(France)    roa/fr               (fr 5)
 7  fr-fr           --/M      french-mbrola-1    mb/mb-fr1            (fr 7)
 5  fr-be           --/M      French_(Belgium)   roa/fr-BE            (fr 8)
 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
`;
const variantList = `Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  variant         --/F      Annie              !v/Annie
 5  variant         --/F      f3                 !v/f3
`;

describe('espeak-ng voice catalogue', () => {
  const catalogue = {
    voices: parseEspeakVoiceList(voiceList),
    variants: parseEspeakVariantList(variantList),
  };

  it('parses voices, drops MBROLA voices whose data is absent, reads variants', () => {
    expect(catalogue.voices.map((voice) => voice.file)).toEqual([
      'roa/fr',
      'roa/fr-BE',
      'gmw/en',
      'gmw/en-US',
    ]);
    expect(catalogue.voices[0]).toEqual({
      language: 'fr-fr',
      name: 'French (France)',
      file: 'roa/fr',
      aliases: [{ language: 'fr', priority: 5 }],
      priority: 5,
      gender: 'male',
    });
    expect(parseEspeakVoiceList(voiceList, () => true).map((voice) => voice.file)).toContain('mb/mb-fr1');
    expect(catalogue.variants).toEqual(['Annie', 'f3']);
  });

  it('resolves voices by id, name, file and +variant, and languages by any spelling', () => {
    expect(resolveEspeakVoice(catalogue, { voice: 'fr-be' }, 'espeak-ng').argument).toBe('roa/fr-BE');
    expect(resolveEspeakVoice(catalogue, { voice: 'French (France)' }, 'espeak-ng').argument).toBe('roa/fr');
    expect(resolveEspeakVoice(catalogue, { voice: 'en-us+annie' }, 'espeak-ng').argument).toBe(
      'gmw/en-US+Annie',
    );
    expect(resolveEspeakVoice(catalogue, { language: 'french' }, 'espeak-ng').argument).toBe('roa/fr');
    expect(resolveEspeakVoice(catalogue, { language: 'fr-BE' }, 'espeak-ng').argument).toBe('roa/fr-BE');
    expect(resolveEspeakVoice(catalogue, { language: 'en' }, 'espeak-ng').argument).toBe('gmw/en');
  });

  it('names the unknown voice, variant or language', () => {
    expect(() => resolveEspeakVoice(catalogue, { voice: 'alloy' }, 'espeak-ng')).toThrow(/no voice "alloy"/);
    expect(() => resolveEspeakVoice(catalogue, { voice: 'fr-fr+nobody' }, 'espeak-ng')).toThrow(
      /variant "nobody"/,
    );
    expect(() => resolveEspeakVoice(catalogue, { language: 'de' }, 'espeak-ng')).toThrow(
      /no voice for the language "de"/,
    );
    expect(() => resolveEspeakVoice(catalogue, { language: 'elvish' }, 'espeak-ng')).toThrow(
      /unknown language "elvish"/,
    );
  });
});

const frenchText = 'Bonjour à tous. Il fait beau aujourd’hui à Paris.';

describeRequiring({ tools: ['espeak-ng'] }, 'espeak-ng binary (real engine)', () => {
  const tts = createEspeakNgTextToSpeech();

  it('lists many languages and voices, French and English among them', async () => {
    const languages = await tts.languages();
    expect(languages.length).toBeGreaterThan(80);
    expect(languages).toEqual(expect.arrayContaining(['fr', 'fr-fr', 'en', 'en-us']));
    const voices = await tts.voices();
    expect(voices.find((voice) => voice.id === 'fr-fr')?.name).toBe('French (France)');
    expect(voices.some((voice) => voice.id.startsWith('mb'))).toBe(false);
  });

  it('speaks French at 22.05 kHz, faster with a higher speed, and with a variant', async () => {
    const normal = await tts.synthesize(frenchText, { language: 'fr' });
    expect(normal.sampleRate).toBe(22_050);
    expect(audioDuration(normal)).toBeGreaterThan(2);
    expect(audioDuration(normal)).toBeLessThan(6);
    const fast = await tts.synthesize(frenchText, { language: 'fr', speed: 2 });
    expect(audioDuration(fast)).toBeLessThan(audioDuration(normal) * 0.7);
    const variant = await tts.synthesize(frenchText, { voice: 'fr-fr+f3', pitch: 1.5 });
    expect(audioDuration(variant)).toBeGreaterThan(1);
  });

  it('rejects empty text, unknown voices and languages before running anything', async () => {
    await expect(tts.synthesize('  \n ')).rejects.toMatchObject({ code: 'empty_text' });
    await expect(tts.synthesize('Bonjour.', { voice: 'alloy' })).rejects.toMatchObject({
      code: 'unknown_voice',
    });
    await expect(tts.synthesize('Bonjour.', { language: 'tlh' })).rejects.toMatchObject({
      code: 'unknown_language',
    });
  });

  it('says clearly when the binary is missing', async () => {
    const missing = createEspeakNgTextToSpeech({ executable: 'espeak-ng-not-installed-here' });
    await expect(missing.synthesize('Bonjour.')).rejects.toMatchObject({
      code: 'engine_unavailable',
      message: expect.stringContaining('apt-get install espeak-ng'),
    });
  });
});

describe('espeak-ng WASM (real engine, optional package)', () => {
  const tts = createEspeakNgWasmTextToSpeech();

  it('speaks French and English with the same voices as the binary', async () => {
    const french = await tts.synthesize(frenchText, { language: 'fr' });
    expect(french.sampleRate).toBe(22_050);
    expect(audioDuration(french)).toBeGreaterThan(2);
    const english = await tts.synthesize('Hello world.', { voice: 'en-us', speed: 1.2 });
    expect(audioDuration(english)).toBeGreaterThan(0.5);
    expect((await tts.voices()).some((voice) => voice.id === 'fr-fr')).toBe(true);
  });

  it('rejects unknown voices and reports a missing package as engine_unavailable', async () => {
    await expect(tts.synthesize('Bonjour.', { voice: 'alloy' })).rejects.toMatchObject({
      code: 'unknown_voice',
    });
    const missing = createEspeakNgWasmTextToSpeech({
      load: async () => {
        throw new (await import('../../errors/index.js')).VoiceError('engine_unavailable', 'not installed');
      },
    });
    await expect(missing.synthesize('Bonjour.')).rejects.toMatchObject({ code: 'engine_unavailable' });
  });
});

describe('createEspeakNg', () => {
  it('falls back to the WASM build when the binary is absent', async () => {
    const { createEspeakNg } = await import('./espeak-ng-auto.js');
    expect(createEspeakNg({ executable: 'espeak-ng-not-installed-here' }).id).toBe('espeak-ng-wasm');
  });
});
