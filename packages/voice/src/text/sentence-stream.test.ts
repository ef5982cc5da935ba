import { readFileSync } from 'node:fs';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { describe, expect, it } from 'vitest';
import { type SegmentTextOptions, segmentText } from './segment-text.js';
import { createSentenceStream } from './sentence-stream.js';

const french = `M. Dupont est arrivé à 14 h. Il a payé 3,5 € puis 2.50 €, etc. puis il est parti… Rien ne vint.
« Où allez-vous ? » demanda Mme Martin. Il a dit : « Non. » Puis il est parti. J.-P. Sartre est né en 1905. Le Dr. Lefèvre, cf. p. 12, était là.

Oui. Non. Peut-être bien que oui. César mourut en 44 av. J.-C. Rome trembla. Il attendit... Le train partit.`;

const english = `Mr. Smith met Dr. Jones at 3.30 p.m. on Jan. 5. They talked, e.g. about U.S.A. politics. Then they left.
He said “Stop.” Then he left! Did he? Yes… and no. It costs $3.50, i.e. not much.`;

function run(deltas: string[], options?: SegmentTextOptions): string[] {
  const stream = createSentenceStream(options);
  return [...deltas.flatMap((delta) => stream.push(delta)), ...stream.flush()];
}

const squeeze = (text: string) => text.replace(/\s+/gu, '');

describe('createSentenceStream', () => {
  for (const [name, text, language] of [
    ['French', french, 'fr'],
    ['English', english, 'en'],
  ] as const) {
    const sentences = segmentText(text, { language, minCharacters: 0 }).map((segment) => segment.text);

    it(`gives segmentText's sentences of a ${name} text split at every point`, () => {
      expect(sentences.length).toBeGreaterThanOrEqual(7);
      for (let cut = 0; cut <= text.length; cut += 1) {
        const result = run([text.slice(0, cut), text.slice(cut)], { language, minCharacters: 0 });
        expect({ cut, result }).toEqual({ cut, result: sentences });
      }
      // One character at a time, and in uneven chunks, as a model streams tokens.
      expect(run([...text], { language, minCharacters: 0 })).toEqual(sentences);
      const chunks = text.match(/.{1,7}/gsu) ?? [];
      expect(run(chunks, { language, minCharacters: 0 })).toEqual(sentences);
    });

    it(`merges later short ${name} sentences, keeps the first alone and loses no text`, () => {
      const whole = segmentText(text, { language });
      for (let cut = 0; cut <= text.length; cut += 1) {
        const result = run([text.slice(0, cut), text.slice(cut)], { language });
        expect(result[0]).toBe(sentences[0]);
        expect(squeeze(result.join(''))).toBe(squeeze(whole.map((segment) => segment.text).join('')));
        for (const sentence of result.slice(1, -1)) {
          // Only a sentence that is the last of its line may stay short.
          if (sentence.length < 24)
            expect(text).toMatch(new RegExp(`${escapeRegExp(sentence)}\\s*(\\n|$)`, 'u'));
        }
      }
      expect(squeeze(run([...text], { language }).join(''))).toBe(squeeze(text));
    });
  }

  it('gives a sentence out only when the next one has started, never mid-word', () => {
    const stream = createSentenceStream({ language: 'fr' });
    expect(stream.push('Bonjour.')).toEqual([]);
    expect(stream.push(' ')).toEqual([]);
    expect(stream.push('Je')).toEqual(['Bonjour.']); // the first sentence, short as it is, goes at once
    expect(stream.push(' vois M.')).toEqual([]);
    expect(stream.push(' Dupont, il a 3,')).toEqual([]);
    expect(stream.push('5 ans. Ah.')).toEqual(['Je vois M. Dupont, il a 3,5 ans.']);
    expect(stream.push(' Il')).toEqual([]); // "Ah." is complete but short: it waits to be merged
    expect(stream.push(' part.\nFin')).toEqual(['Ah. Il part.']); // the line ended
    expect(stream.flush()).toEqual(['Fin']);
    // The stream is ready for a new text, whose first sentence goes out alone again.
    expect(stream.push('Oui. Non')).toEqual(['Oui.']);
  });

  it('waits for the letter that decides "etc." and a closing quote', () => {
    const stream = createSentenceStream({ language: 'fr', minCharacters: 0 });
    expect(stream.push('Il a fini, etc. ')).toEqual([]);
    expect(stream.push('p')).toEqual([]);
    expect(stream.push('uis il dit « Non. ')).toEqual([]);
    expect(stream.push('» ')).toEqual([]);
    expect(stream.push('E')).toEqual(['Il a fini, etc. puis il dit « Non. »']);
    expect(stream.flush()).toEqual(['E']);
  });

  it('gives out a line as soon as it ends, and nothing for empty or blank text', () => {
    const stream = createSentenceStream({ minCharacters: 0 });
    expect(stream.push('Un titre sans point')).toEqual([]);
    expect(stream.push('\r')).toEqual(['Un titre sans point']);
    expect(stream.push('\n\n...\n')).toEqual([]);
    expect(stream.push('')).toEqual([]);
    expect(stream.flush()).toEqual([]);
  });

  it('cuts a long sentence at the cap as segmentText does', () => {
    const clause = 'une proposition assez longue qui continue encore un peu';
    const text = `${Array.from({ length: 12 }, () => clause).join(', ')}. Fin.`;
    const expected = segmentText(text, { maxCharacters: 120, minCharacters: 0 }).map(
      (segment) => segment.text,
    );
    const stream = createSentenceStream({ maxCharacters: 120, minCharacters: 0 });
    const early: string[] = [];
    for (const character of text.slice(0, 400)) early.push(...stream.push(character));
    // Pieces of the long sentence go out before it ends.
    expect(early.length).toBeGreaterThan(1);
    expect([...early, ...stream.push(text.slice(400)), ...stream.flush()]).toEqual(expected);
  });

  it('rejects bad options with invalid_options at creation', () => {
    expect(() => createSentenceStream({ maxCharacters: 2 })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });
});

describeRequiring(
  { data: ['books/fr/Candide.txt', 'books/en/Pride_and_Prejudice_JaneAusten.txt'] },
  'createSentenceStream on novels',
  () => {
    it('gives the sentences of segmentText for 20 kB of Candide and Pride and Prejudice in random deltas', () => {
      for (const [language, path] of [
        ['fr', ['books', 'fr', 'Candide.txt']],
        ['en', ['books', 'en', 'Pride_and_Prejudice_JaneAusten.txt']],
      ] as const) {
        // Paragraphs unwrapped into long lines, as a language model writes them.
        const text = readFileSync(testDataPath(...path), 'utf8')
          .slice(20_000, 40_000)
          .replace(/\r\n/gu, '\n')
          .replace(/([^\n])\n(?!\n)/gu, '$1 ');
        let state = 3;
        const deltas: string[] = [];
        for (let offset = 0; offset < text.length; ) {
          state = (state * 1664525 + 1013904223) % 4294967296;
          const length = 1 + Math.floor((state / 4294967296) * 12);
          deltas.push(text.slice(offset, offset + length));
          offset += length;
        }
        const expected = segmentText(text, { language, minCharacters: 0 }).map((segment) => segment.text);
        expect(expected.length).toBeGreaterThan(100);
        expect(run(deltas, { language, minCharacters: 0 })).toEqual(expected);
      }
    });
  },
);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}
