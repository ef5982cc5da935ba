import { describe, expect, it } from 'vitest';
import { VoiceError } from '../errors/index.js';
import { isFalseSentenceBreak, segmentText, segmentTextForSpeech } from './segment-text.js';

// Sentences only: no merging, a generous cap.
const sentences = (text: string, language?: string) =>
  segmentText(text, { language, minCharacters: 0, maxCharacters: 1000 }).map((segment) => segment.text);

describe('segmentText: sentences', () => {
  it('keeps French titles, decimals and "etc." followed by lowercase inside the sentence', () => {
    expect(sentences('M. Dupont est arrivé à 14 h. Il a payé 3.50 €, etc. puis il est parti.', 'fr')).toEqual(
      ['M. Dupont est arrivé à 14 h.', 'Il a payé 3.50 €, etc. puis il est parti.'],
    );
  });

  it('keeps Dr., initials and a mid-sentence ellipsis together', () => {
    expect(sentences("Le Dr. Martin l'a dit… et puis rien. J. R. R. Tolkien est né en 1892.", 'fr')).toEqual([
      "Le Dr. Martin l'a dit… et puis rien.",
      'J. R. R. Tolkien est né en 1892.',
    ]);
  });

  it('keeps a closing « » quote and the incise with its sentence', () => {
    expect(sentences('« Viens ici ! » dit-elle. Il vint. « Pourquoi ? » demanda-t-il.', 'fr')).toEqual([
      '« Viens ici ! » dit-elle.',
      'Il vint.',
      '« Pourquoi ? » demanda-t-il.',
    ]);
  });

  it('ends a sentence on an ellipsis followed by a capital, and keeps M. Smith whole', () => {
    expect(
      sentences('Il attendit... Rien ne vint. Le prix est de 3,14 ou 2.71 selon M. Smith.', 'fr'),
    ).toEqual(['Il attendit...', 'Rien ne vint.', 'Le prix est de 3,14 ou 2.71 selon M. Smith.']);
  });

  it('handles English titles, p.m., months, e.g. and U.S.A.', () => {
    expect(
      sentences(
        'Mr. Smith met Dr. Jones at 3.30 p.m. on Jan. 5. They talked, e.g. about U.S.A. politics. Then they left.',
        'en',
      ),
    ).toEqual([
      'Mr. Smith met Dr. Jones at 3.30 p.m. on Jan. 5.',
      'They talked, e.g. about U.S.A. politics.',
      'Then they left.',
    ]);
  });

  it('keeps French reference abbreviations (cf., chap., p., Mme.) with what follows', () => {
    expect(sentences('Cf. le chap. 3. Voir p. 12. Mme. Durand vit ici. Mlle Dupuis aussi.', 'fr')).toEqual([
      'Cf. le chap. 3.',
      'Voir p. 12.',
      'Mme. Durand vit ici.',
      'Mlle Dupuis aussi.',
    ]);
  });

  it('keeps J.-P. Sartre and J.-C. dates together', () => {
    expect(
      sentences('J.-P. Sartre est né en 1905. César mourut en 44 av. J.-C. Rome trembla.', 'fr'),
    ).toEqual(['J.-P. Sartre est né en 1905.', 'César mourut en 44 av. J.-C. Rome trembla.']);
  });

  it('gives a closing quote back to its sentence and still ends the sentence after it', () => {
    expect(sentences('Il a dit : « Non. » Puis il est parti. « Oui ! » répondit-elle.', 'fr')).toEqual([
      'Il a dit : « Non. »',
      'Puis il est parti.',
      '« Oui ! » répondit-elle.',
    ]);
    expect(sentences('He said “Stop.” Then he left.', 'en')).toEqual(['He said “Stop.”', 'Then he left.']);
  });

  it('keeps dotted acronyms before lowercase and ends sentences after URLs and versions', () => {
    expect(
      sentences("L'O.N.U. a voté. Le P.-D.G. est là. Voir www.exemple.fr. Version 2.0. Fin.", 'fr'),
    ).toEqual(["L'O.N.U. a voté.", 'Le P.-D.G. est là.', 'Voir www.exemple.fr.', 'Version 2.0.', 'Fin.']);
  });

  it('keeps list markers with their item and French numbers whole', () => {
    expect(sentences('1. Premier point important\n2. Deuxième point', 'fr')).toEqual([
      '1. Premier point important',
      '2. Deuxième point',
    ]);
    expect(sentences('Prix : 1.234,56 €. Taux 3,5 %. Le 1er janv. 2024, il neigeait.', 'fr')).toEqual([
      'Prix : 1.234,56 €.',
      'Taux 3,5 %.',
      'Le 1er janv. 2024, il neigeait.',
    ]);
  });

  it('splits on ! and ? and keeps the French space before them', () => {
    expect(sentences('Quoi ? Non ! Si. Bon…', 'fr')).toEqual(['Quoi ?', 'Non !', 'Si.', 'Bon…']);
  });

  it('splits newlines first, even without punctuation, and counts paragraphs', () => {
    const text = 'Premier paragraphe sans point\n\nDeuxième ligne. Et une phrase\r\nTroisième';
    const segments = segmentText(text, { minCharacters: 0 });
    expect(segments.map((segment) => [segment.text, segment.paragraph])).toEqual([
      ['Premier paragraphe sans point', 0],
      ['Deuxième ligne.', 1],
      ['Et une phrase', 1],
      ['Troisième', 2],
    ]);
  });
});

describe('segmentText: offsets, caps and merging', () => {
  it('gives offsets such that input.slice(start, end) === text', () => {
    const text = '  « Bonjour ! » dit-il.\n\tM. Durand répondit : « Bonsoir. »  \r\n😀 Fin.';
    const segments = segmentText(text, { minCharacters: 0 });
    expect(segments.length).toBe(3);
    for (const segment of segments) expect(text.slice(segment.start, segment.end)).toBe(segment.text);
  });

  it('caps a long sentence at a clause boundary, never beyond the cap', () => {
    const clause = 'une proposition assez longue qui continue encore un peu';
    const sentence = `${Array.from({ length: 12 }, () => clause).join(', ')}.`;
    const segments = segmentText(sentence, { maxCharacters: 120, minCharacters: 0 });
    expect(segments.length).toBeGreaterThan(4);
    for (const segment of segments) {
      expect(segment.text.length).toBeLessThanOrEqual(120);
      expect(segment.text === sentence.slice(segment.start, segment.end)).toBe(true);
    }
    // Cut right after the commas, so every piece but the last ends with one.
    for (const segment of segments.slice(0, -1)) expect(segment.text.endsWith(',')).toBe(true);
    // Nothing lost: the pieces cover every word.
    expect(segments.map((segment) => segment.text).join(' ')).toBe(sentence);
  });

  it('cuts before an opening bracket or quote, which starts the next piece, not after it', () => {
    const cut = (text: string) =>
      segmentText(text, { maxCharacters: 60, minCharacters: 0 }).map((segment) => segment.text);
    expect(
      cut('une phrase assez longue pour être coupée ici (avec une parenthèse qui suit) et encore'),
    ).toEqual(['une phrase assez longue pour être coupée ici', '(avec une parenthèse qui suit) et encore']);
    expect(
      cut('une phrase assez longue pour être coupée à cet endroit « avec une citation » et puis'),
    ).toEqual(['une phrase assez longue pour être coupée à cet endroit', '« avec une citation » et puis']);
  });

  it('cuts the rest of a long sentence the same whether the pieces before it are there or not', () => {
    let state = 5;
    const random = () => {
      state = (state * 1664525 + 1013904223) % 4294967296;
      return state / 4294967296;
    };
    const words = () =>
      Array.from({ length: 1 + Math.floor(random() * 8) }, () => 'mot'.repeat(1 + Math.floor(random() * 3)));
    for (let sentence = 0; sentence < 50; sentence += 1) {
      const text = `${Array.from({ length: 30 }, () => words().join(' ')).join(', ')}.`;
      const pieces = segmentText(text, { maxCharacters: 60, minCharacters: 0 });
      for (const [index, piece] of pieces.entries()) {
        const rest = segmentText(text.slice(piece.start), { maxCharacters: 60, minCharacters: 0 });
        expect({ sentence, index, rest: rest.map((segment) => segment.text) }).toEqual({
          sentence,
          index,
          rest: pieces.slice(index).map((segment) => segment.text),
        });
      }
    }
  });

  it('cuts a sentence without any punctuation at spaces, and a single huge word anywhere', () => {
    const words = Array.from({ length: 100 }, (_, index) => `mot${index}`).join(' ');
    for (const segment of segmentText(words, { maxCharacters: 50, minCharacters: 0 })) {
      expect(segment.text.length).toBeLessThanOrEqual(50);
      expect(segment.text.startsWith('mot')).toBe(true);
    }
    const huge = 'a'.repeat(130);
    expect(
      segmentText(huge, { maxCharacters: 50, minCharacters: 0 }).map((segment) => segment.text.length),
    ).toEqual([50, 50, 30]);
  });

  it('merges short sentences of one paragraph, never across a newline', () => {
    const segments = segmentText('Oui. Non. Peut-être bien que oui.\nAh.\nBon.', { minCharacters: 12 });
    expect(segments.map((segment) => segment.text)).toEqual([
      'Oui. Non. Peut-être bien que oui.',
      'Ah.',
      'Bon.',
    ]);
  });

  it('skips lines with nothing speakable and rejects empty text with empty_text', () => {
    expect(segmentText('...\n  \n— !')).toEqual([]);
    for (const input of ['', '   \n\t', '…  !!']) {
      try {
        segmentTextForSpeech(input);
        expect.unreachable();
      } catch (error) {
        expect(VoiceError.isInstance(error)).toBe(true);
        expect((error as VoiceError).code).toBe('empty_text');
      }
    }
  });

  it('rejects absurd options', () => {
    expect(() => segmentText('Bonjour.', { maxCharacters: 0 })).toThrow(/maxCharacters/);
    expect(() => segmentText('Bonjour.', { maxCharacters: 100, minCharacters: 200 })).toThrow(
      /minCharacters/,
    );
  });
});

describe('isFalseSentenceBreak', () => {
  it('decides the lookahead cases', () => {
    expect(isFalseSentenceBreak('Voir M.', 'Dupont')).toBe(true);
    expect(isFalseSentenceBreak('Il a fini, etc.', 'Puis il part.')).toBe(false);
    expect(isFalseSentenceBreak('Il a fini, etc.', 'puis il part.')).toBe(true);
    expect(isFalseSentenceBreak('Pourquoi ?', '» demanda-t-il.')).toBe(true);
    expect(isFalseSentenceBreak('Il vit le chiffre 3.', '14 sur l’écran.')).toBe(true);
    expect(isFalseSentenceBreak('Il arriva en 1905.', 'Le lendemain.')).toBe(false);
  });
});
