import { describe, expect, it } from 'vitest';
import { formatLanguage, parseLanguage } from './language-codes.js';

describe('language codes', () => {
  it('reads codes, tags, ISO 639-2 and names', () => {
    expect(parseLanguage('fr')).toEqual({ tag: 'fr', code: 'fr', name: 'french' });
    expect(parseLanguage('fr_CA')).toEqual({ tag: 'fr-ca', code: 'fr', name: 'french' });
    expect(parseLanguage('fre').code).toBe('fr');
    expect(parseLanguage('Français').code).toBe('fr');
    expect(parseLanguage('French').code).toBe('fr');
    expect(parseLanguage('en-US').tag).toBe('en-us');
  });

  it('writes the form each engine needs (the seed needed "french", not "fr")', () => {
    expect(formatLanguage('fr-FR', 'english-name')).toBe('french');
    expect(formatLanguage('french', 'iso-639-1')).toBe('fr');
    expect(formatLanguage('en-GB', 'tag')).toBe('en-gb');
  });

  it('names the unknown language', () => {
    expect(() => parseLanguage('klingon')).toThrow(/unknown language "klingon"/);
    expect(() => parseLanguage('')).toThrow(/unknown language/);
    expect(() => parseLanguage('xx-FR')).toThrow(/unknown language "xx-FR"/);
  });
});
