import { describe, expect, it } from 'vitest';
import type { Answer } from '../library/library.js';
import { shownCitationProblems } from './shown-citations.js';

const source = 'Pangloss enseignait la métaphysico-théologo-cosmolonigologie. Il prouvait admirablement.';
const citation = {
  n: 1,
  book: 'Candide',
  bookId: 7,
  chapter: null,
  start: 0,
  end: source.length,
  text: source,
  page: null,
};
const fromSource = () => source;

function answer(text: string, citations = [citation]): Answer {
  return {
    answer: text,
    refused: false,
    citations,
    mode: 'generated',
    language: 'fr',
    fallback: null,
    conversationId: 'c',
    standaloneQuestion: null,
    rewrite: null,
    translatedQuestion: null,
  };
}

describe('shownCitationProblems', () => {
  it('finds nothing wrong in a sound answer, quotes folded for case, accents and spacing', () => {
    expect(
      shownCitationProblems(
        answer('Il enseignait « la METAPHYSICO-théologo-cosmolonigologie » [1].'),
        fromSource,
      ),
    ).toEqual({ wrongOffsets: 0, danglingMarkers: 0, unsupportedQuotes: 0 });
  });

  it('counts a marker naming no listed citation, a quote in no cited passage, and wrong offsets', () => {
    expect(shownCitationProblems(answer('Il enseignait [1][3], voir [2, 1].'), fromSource)).toMatchObject({
      danglingMarkers: 2,
    });
    expect(shownCitationProblems(answer('Il disait "tout est au plus mal" [1].'), fromSource)).toMatchObject({
      unsupportedQuotes: 1,
    });
    expect(shownCitationProblems(answer('Il enseignait [1].'), () => 'autre chose')).toMatchObject({
      wrongOffsets: 1,
    });
  });

  it('does not count a quoted refusal sentence', () => {
    expect(
      shownCitationProblems(answer('« Les sources ne contiennent pas la réponse. »', []), fromSource),
    ).toEqual({ wrongOffsets: 0, danglingMarkers: 0, unsupportedQuotes: 0 });
  });
});
