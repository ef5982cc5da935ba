import { describe, expect, it } from 'vitest';
import type { RetrievedChunk } from '../retriever/retriever.js';
import { evidenceTerms } from './evidence.js';
import { extractiveAnswer, withBalancedQuotes } from './extractive-answer.js';

function chunk(text: string, start: number): RetrievedChunk {
  return {
    chunkId: 1,
    sourceId: 1,
    sourceUri: '/books/tom.txt',
    sourceTitle: 'Tom',
    ordinal: 0,
    start,
    end: start + text.length,
    text,
    heading: null,
    score: 1,
    ranks: { lexical: 1, vector: null },
    neighbour: false,
  };
}

describe('extractiveAnswer', () => {
  it('keeps a hard-wrapped sentence whole, with offsets spanning its lines in the source', () => {
    const source = `Chapter II\n\nTom appeared on the sidewalk with a bucket of whitewash and a\nlong-handled brush. He surveyed the fence, and all gladness left him.\n\nNext paragraph.`;
    const start = source.indexOf('Tom appeared');
    const text = source.slice(start);
    const passages = [{ number: 1, chunk: chunk(text, start) }];
    const answer = extractiveAnswer(
      evidenceTerms('What did Tom whitewash with his bucket?', null),
      passages,
      {
        sentences: 1,
      },
    );
    const [sentence] = answer.sentences;
    expect(sentence?.text).toBe(
      'Tom appeared on the sidewalk with a bucket of whitewash and a long-handled brush.',
    );
    expect(source.slice(sentence?.start, sentence?.end).replace(/\s+/g, ' ')).toBe(sentence?.text);
    expect(answer.text).toBe(`${sentence?.text} [1]`);
  });

  it('says a sentence once when overlapping passages both hold it', () => {
    const source =
      'De la province de Vestphalie, dit Candide: je suis né dans le château. Il partit. Le château brûla.';
    const overlapStart = source.indexOf('De la');
    const passages = [
      { number: 1, chunk: chunk(source.slice(0, source.indexOf(' Le château')), 0) },
      { number: 2, chunk: chunk(source.slice(overlapStart), overlapStart) },
    ];
    const answer = extractiveAnswer(evidenceTerms('Où est né Candide ?', null), passages);
    expect(answer.text).toBe('De la province de Vestphalie, dit Candide: je suis né dans le château. [1]');
    expect(answer.sentences).toHaveLength(1);
  });

  it('still ends a sentence at a blank line', () => {
    const text = 'A heading without a full stop\n\nThe bucket of whitewash was heavy.';
    const answer = extractiveAnswer(
      evidenceTerms('whitewash bucket', null),
      [{ number: 2, chunk: chunk(text, 0) }],
      {
        sentences: 1,
      },
    );
    expect(answer.sentences[0]?.text).toBe('The bucket of whitewash was heavy.');
  });

  it('leaves out a further sentence that shares only a minor word with the question', () => {
    const first = 'It was impossible to see the word without thinking of Pemberley and its owner.';
    const second = 'Let the owners stand on the beach and shout at the storm.';
    const answer = extractiveAnswer(evidenceTerms('Who is the owner of Pemberley?', null), [
      { number: 1, chunk: chunk(first, 0) },
      { number: 2, chunk: chunk(second, 500) },
    ]);
    expect(answer.sentences.map((sentence) => sentence.number)).toEqual([1]);
    expect(answer.text).toBe(`${first} [1]`);
  });

  it("leaves a book's own footnote markers out of the shown sentence, so they never read as citations", () => {
    const text =
      "Pensez-vous que la terre ait été originairement une mer, comme on l'assure dans ce gros livre qui appartient au capitaine du vaisseau[1]? Candide se tut.";
    const passages = [
      { number: 1, chunk: chunk('Un autre passage sur la mer.', 0) },
      { number: 2, chunk: chunk(text, 100) },
    ];
    const answer = extractiveAnswer(evidenceTerms('La terre a-t-elle été une mer ?', null), passages, {
      sentences: 1,
    });
    expect(answer.text).toBe(
      "Pensez-vous que la terre ait été originairement une mer, comme on l'assure dans ce gros livre qui appartient au capitaine du vaisseau? [2]",
    );
    // The sentence itself keeps the source's exact text and offsets.
    expect(answer.sentences[0]?.text).toContain('vaisseau[1]?');
  });
});

describe('extractiveAnswer: rare terms', () => {
  // "pequod" is rare in the books (weight 6); "captain" and "ship" are common (4 each).
  const weighted = {
    terms: ['captain', 'ship', 'pequod'],
    weights: [4, 4, 6],
    language: 'en' as const,
  };
  const restates = 'The captain of this ship is the captain of every ship.';
  const answers = 'She was the Pequod, of the old school.';
  const passages = [
    { number: 1, chunk: chunk(restates, 0) },
    { number: 2, chunk: chunk(answers, 1000) },
  ];

  it('prefers the sentence holding the rare term to one holding more of the common terms', () => {
    expect(extractiveAnswer(weighted, passages, { sentences: 1 }).sentences[0]?.text).toBe(answers);
    // By plain coverage the common terms together (8 of 14) outweigh the rare one (6 of 14).
    expect(extractiveAnswer(weighted, passages, { sentences: 1, rarityExponent: 1 }).sentences[0]?.text).toBe(
      restates,
    );
  });

  it('answers with up to three sentences by default', () => {
    const text = 'The Pequod sailed. The Pequod was old. The Pequod was painted. The Pequod sank.';
    const answer = extractiveAnswer(weighted, [{ number: 1, chunk: chunk(text, 0) }]);
    expect(answer.sentences).toHaveLength(3);
  });
});

describe('withBalancedQuotes', () => {
  it('leaves out the marks of a quotation cut in half, keeping whole quotations and apostrophes', () => {
    expect(withBalancedQuotes('I do not think,” said Doctor Manette, “that it would renew it.')).toBe(
      'I do not think, said Doctor Manette, that it would renew it.',
    );
    expect(withBalancedQuotes('« Les voyageurs descendent ici.')).toBe('Les voyageurs descendent ici.');
    expect(withBalancedQuotes('‘It’s a friend of mine,’ said Alice, “a Cheshire Cat.”')).toBe(
      '‘It’s a friend of mine,’ said Alice, “a Cheshire Cat.”',
    );
    expect(withBalancedQuotes('He said "no and left.')).toBe('He said no and left.');
  });

  it('shows no quotation spanning two chosen sentences of one passage', () => {
    const text =
      'I do not think,” said Doctor Manette, “that the fit would come back. Nothing about the fit here. I trust the fit will not come back.” He rose.';
    const answer = extractiveAnswer(evidenceTerms('Would the fit come back?', null), [
      { number: 1, chunk: chunk(text, 0) },
    ]);
    expect(answer.sentences.length).toBeGreaterThan(1);
    expect(answer.text).not.toMatch(/“[^”]*\./);
  });
});
