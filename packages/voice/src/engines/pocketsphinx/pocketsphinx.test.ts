import { describeRequiring } from '@klody/test-helpers/vitest';
import { describe, expect, it } from 'vitest';
import { buildJsgfGrammar, phraseWords } from './jsgf-grammar.js';
import { createPocketsphinxSpeechToText, pocketsphinxArguments } from './pocketsphinx.js';
import { parsePocketsphinxOutput } from './pocketsphinx-output.js';

describe('JSGF grammar from phrases', () => {
  const known = new Set(['turn', 'on', 'the', 'light', "don't", 'stop']);
  it('normalizes phrases and accepts each exactly once', () => {
    expect(phraseWords('Turn ON the light!')).toEqual(['turn', 'on', 'the', 'light']);
    expect(phraseWords('Don’t stop.')).toEqual(["don't", 'stop']);
    expect(
      buildJsgfGrammar(['Turn on the light.', 'turn on the light', "Don't stop"], (word) => known.has(word)),
    ).toBe("#JSGF V1.0;\ngrammar phrases;\npublic <phrase> =\n  turn on the light\n  | don't stop\n  ;\n");
  });

  it('names words missing from the dictionary, and digits', () => {
    expect(() => buildJsgfGrammar(['turn on light 3', 'frobnicate'], (word) => known.has(word))).toThrow(
      "these words are not in the recogniser's dictionary: 3, frobnicate (spell numbers out in words)",
    );
    expect(() => buildJsgfGrammar(['...', ''], () => true)).toThrow(/empty/);
  });
});

describe('pocketsphinx arguments', () => {
  const model = { acousticModel: 'am', languageModel: 'lm.bin', dictionary: 'dict' };
  const option = (args: string[], name: string) => {
    const index = args.indexOf(name);
    return index < 0 ? undefined : args[index + 1];
  };

  it('dithers with a fixed seed always, and skips noise subtraction only against a grammar', () => {
    const grammar = pocketsphinxArguments(model, 'in.wav', 'phrases.jsgf');
    const free = pocketsphinxArguments(model, 'in.wav', null);
    for (const args of [grammar, free]) {
      expect(option(args, '-dither')).toBe('yes');
      expect(option(args, '-seed')).toBe('1');
    }
    expect(option(grammar, '-jsgf')).toBe('phrases.jsgf');
    expect(option(grammar, '-remove_noise')).toBe('no');
    expect(option(free, '-lm')).toBe('lm.bin');
    expect(option(free, '-remove_noise')).toBeUndefined();
  });
});

describe('pocketsphinx output', () => {
  it('reads utterances with their timings and drops fillers and variants', () => {
    const output = [
      'what your country',
      '<s> 5.300 5.340 0.999200',
      'what 5.350 5.600 0.285662',
      '<sil> 5.600 5.700 0.5',
      'your 5.610 5.850 0.709042',
      'country(2) 5.860 6.420 0.473555',
      '</s> 7.680 7.950 1.000000',
      'and not',
      '<s> 8.0 8.1 1',
      'and(2) 8.2 8.5 0.9',
      'not 8.6 8.9 0.8',
      '</s> 9.0 9.2 1',
    ].join('\n');
    expect(parsePocketsphinxOutput(output)).toEqual([
      { start: 5.3, end: 7.95, text: 'what your country' },
      { start: 8, end: 9.2, text: 'and not' },
    ]);
    expect(parsePocketsphinxOutput('')).toEqual([]);
  });
});

describeRequiring({ tools: ['pocketsphinx_continuous'] }, 'pocketsphinx (real engine)', () => {
  const stt = createPocketsphinxSpeechToText();

  it('refuses French and unknown phrase words with the code that says why', async () => {
    const audio = { samples: new Float32Array(16_000), sampleRate: 16_000 };
    await expect(stt.transcribe(audio, { language: 'fr' })).rejects.toMatchObject({
      code: 'unknown_language',
      message: expect.stringContaining('remote or whisper.cpp engine'),
    });
    await expect(stt.transcribe(audio, { phrases: ['zzyzzx qwerty'] })).rejects.toMatchObject({
      code: 'invalid_phrases',
    });
    await expect(stt.transcribe({ samples: new Float32Array(0), sampleRate: 16_000 })).rejects.toMatchObject({
      code: 'empty_audio',
    });
  });

  it('hears nothing in silence', async () => {
    const result = await stt.transcribe({ samples: new Float32Array(16_000 * 2), sampleRate: 16_000 });
    expect(result.text).toBe('');
    expect(result.segments).toEqual([]);
    expect(result.duration).toBe(2);
    expect(result.noMatch?.reason).toBe('silence');
  });
});
