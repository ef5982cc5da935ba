import { describe, expect, it } from 'vitest';
import { chooseSpeechRoute } from './choose-speech-route.js';
import type { RouteCandidate, RouteRequest } from './speech-route.js';
import { voiceForLanguage } from './voice-for-language.js';

// Candidates written as data (the router is pure): the figures stand for measured medians.
const espeak: RouteCandidate = {
  engine: 'espeak-ng',
  quality: 'low',
  canClone: false,
  voices: [
    { id: 'en-gb', languages: ['en-gb', 'en'] },
    { id: 'en-us', languages: ['en-us', 'en'] },
    { id: 'fr-be', languages: ['fr-be', 'fr'] },
    { id: 'fr-fr', languages: ['fr-fr', 'fr'] },
  ],
  firstAudioMs: 40,
  realTimeFactor: 0.03,
};
const piper: RouteCandidate = {
  engine: 'piper',
  quality: 'high',
  canClone: false,
  voices: [{ id: 'en_US-joe-medium', languages: ['en-us'] }],
  firstAudioMs: 120,
  realTimeFactor: 0.2,
};
const unmeasuredPiper: RouteCandidate = { ...piper, firstAudioMs: null, realTimeFactor: null };
const cloner: RouteCandidate = {
  engine: 'fake-cloner',
  quality: 'high',
  canClone: true,
  voices: [{ id: 'en-clone', languages: ['en'] }],
  firstAudioMs: 900,
  realTimeFactor: 1.5,
};

function request(overrides: Partial<RouteRequest>): RouteRequest {
  return {
    language: 'en',
    languageSource: 'given',
    quality: 'medium',
    latencyBudgetMs: null,
    cloning: false,
    ...overrides,
  };
}

describe('chooseSpeechRoute', () => {
  const table: {
    name: string;
    request: Partial<RouteRequest>;
    candidates: RouteCandidate[];
    engine: string | null;
    voice?: string;
    reason: RegExp;
  }[] = [
    {
      name: 'high quality takes the neural engine, with its measured figures in the reason',
      request: { quality: 'high' },
      candidates: [espeak, piper],
      engine: 'piper',
      voice: 'en_US-joe-medium',
      reason: /^piper\/en_US-joe-medium: quality high, first audio 120 ms measured, real-time factor 0\.20$/,
    },
    {
      name: 'low quality takes the fastest first audio',
      request: { quality: 'low' },
      candidates: [piper, espeak],
      engine: 'espeak-ng',
      voice: 'en-us',
      reason: /^espeak-ng\/en-us: quality low, first audio 40 ms measured/,
    },
    {
      name: 'medium quality is met by high only here, so piper',
      request: { quality: 'medium' },
      candidates: [espeak, piper],
      engine: 'piper',
      reason: /^piper\//,
    },
    {
      name: 'a latency budget piper misses goes to espeak-ng, saying quality was given up',
      request: { quality: 'high', latencyBudgetMs: 100 },
      candidates: [espeak, piper],
      engine: 'espeak-ng',
      reason: /no engine within the budget has quality high/,
    },
    {
      name: 'a budget piper meets keeps piper',
      request: { quality: 'high', latencyBudgetMs: 150 },
      candidates: [espeak, piper],
      engine: 'piper',
      reason: /first audio 120 ms measured/,
    },
    {
      name: 'a budget nobody meets takes the fastest, and says so',
      request: { quality: 'high', latencyBudgetMs: 10 },
      candidates: [piper, espeak],
      engine: 'espeak-ng',
      reason: /no engine is measured within 10 ms; this is the fastest/,
    },
    {
      name: 'an unmeasured engine ranks after one measured within the budget',
      request: { quality: 'high', latencyBudgetMs: 100 },
      candidates: [unmeasuredPiper, espeak],
      engine: 'espeak-ng',
      reason: /^espeak-ng/,
    },
    {
      name: 'an unmeasured engine says so in the reason',
      request: { quality: 'high' },
      candidates: [unmeasuredPiper, espeak],
      engine: 'piper',
      reason: /first audio not measured yet/,
    },
    {
      name: 'French goes to the engine that speaks it, on its France voice',
      request: { language: 'fr', quality: 'high' },
      candidates: [piper, espeak],
      engine: 'espeak-ng',
      voice: 'fr-fr',
      reason: /^espeak-ng\/fr-fr: .*no engine here has quality high/,
    },
    {
      name: 'a detected language is said in the reason',
      request: { language: 'fr', languageSource: 'detected' },
      candidates: [espeak],
      engine: 'espeak-ng',
      reason: /language fr detected from the text/,
    },
    {
      name: 'cloning goes to the engine that can clone, however slow',
      request: { cloning: true, latencyBudgetMs: 100 },
      candidates: [espeak, piper, cloner],
      engine: 'fake-cloner',
      reason: /^fake-cloner\/en-clone/,
    },
    {
      name: 'a French clone with no engine that clones is impossible',
      request: { language: 'fr', cloning: true },
      candidates: [espeak, piper],
      engine: null,
      reason:
        /a cloned voice in "fr" needs an engine that can clone, and none here can \(engines: espeak-ng, piper\)/,
    },
    {
      name: 'a French clone where the cloner speaks no French names the cloner',
      request: { language: 'fr', cloning: true },
      candidates: [espeak, cloner],
      engine: null,
      reason: /the engines that can clone \(fake-cloner\) do not speak it/,
    },
    {
      name: 'a language no engine speaks is impossible, naming it',
      request: { language: 'tlh' },
      candidates: [espeak, piper],
      engine: null,
      reason: /no engine here speaks "tlh" \(engines: espeak-ng, piper\)/,
    },
    {
      name: 'no engine at all is impossible',
      request: {},
      candidates: [],
      engine: null,
      reason: /no speech engine is available here/,
    },
  ];

  for (const row of table) {
    it(row.name, () => {
      const decision = chooseSpeechRoute(request(row.request), row.candidates);
      expect(decision.reason).toMatch(row.reason);
      if (row.engine === null) {
        expect(decision.ok).toBe(false);
      } else {
        expect(decision.ok && decision.engine).toBe(row.engine);
        if (row.voice) expect(decision.ok && decision.voice).toBe(row.voice);
      }
    });
  }

  it('lists every engine it considered, with why it was left out', () => {
    const decision = chooseSpeechRoute(request({ language: 'fr' }), [piper, espeak]);
    expect(decision.considered).toEqual([
      { engine: 'piper', voice: null, eligible: false, why: 'speaks no "fr"' },
      {
        engine: 'espeak-ng',
        voice: 'fr-fr',
        eligible: true,
        why: 'quality low, first audio 40 ms measured, real-time factor 0.03',
      },
    ]);
  });

  it('follows the measurements: the same request changes engine when the figures change', () => {
    const slowEspeak = { ...espeak, firstAudioMs: 400 };
    const fastPiper = { ...piper, firstAudioMs: 60 };
    expect(chooseSpeechRoute(request({ quality: 'low' }), [espeak, piper]).ok && 'espeak-ng').toBe(
      'espeak-ng',
    );
    const decision = chooseSpeechRoute(request({ quality: 'low' }), [slowEspeak, fastPiper]);
    expect(decision.ok && decision.engine).toBe('piper');
  });
});

describe('voiceForLanguage', () => {
  const table: [string, string | null][] = [
    ['en-us', 'en-us'],
    ['en-GB', 'en-gb'],
    ['en', 'en-us'],
    ['fr', 'fr-fr'],
    ['fr-ca', 'fr-be'],
    ['de', null],
  ];
  for (const [language, voice] of table) {
    it(`${language} → ${voice}`, () => {
      expect(voiceForLanguage(espeak.voices, language)).toBe(voice);
    });
  }
});
