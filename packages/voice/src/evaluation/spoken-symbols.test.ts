import { describe, expect, it } from 'vitest';
import { spellOutSymbols } from './spoken-symbols.js';
import { wordErrorRate } from './word-error-rate.js';

describe('spellOutSymbols', () => {
  it('spells the percent sign the way the French and English references do', () => {
    expect(spellOutSymbols('à 80%', 'fr')).toBe('à 80 pourcent ');
    expect(spellOutSymbols('à 80 pour cent', 'fr-FR')).toBe('à 80 pourcent');
    expect(spellOutSymbols('at 80%', 'en')).toBe('at 80 percent ');
    expect(spellOutSymbols('80%', 'de')).toBe('80%');
  });

  it('turns a "%" that was heard right into no error, and leaves number words as errors', () => {
    const reference = 'allume le Rez-de-chaussée à 80 pourcent';
    expect(wordErrorRate(reference, 'Allume le rez-de-chaussée à 80%').rate).toBeGreaterThan(0);
    expect(wordErrorRate(reference, spellOutSymbols('Allume le rez-de-chaussée à 80%', 'fr')).rate).toBe(0);
    expect(
      wordErrorRate(reference, spellOutSymbols('allume le rez-de-chaussée à quatre-vingts pour cent', 'fr'))
        .rate,
    ).toBeGreaterThan(0);
  });
});
