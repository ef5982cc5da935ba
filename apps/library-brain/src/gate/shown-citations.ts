import type { Answer } from '../library/library.js';
import { fold } from './gate-metrics.js';

// The gate's own reading of an answer, independent of the memory package's scorer that decided what
// to show: it checks what a reader sees, so that a bug in the scorer or the answer path shows here.
const citationMarker = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;
const quotedSpans = [/"([^"\n]{3,})"/g, /“([^”\n]{3,})”/g, /«\s*([^»\n]{3,}?)\s*»/g];
const refusalQuote = /sources? (?:do(?:es)? not|don't) contain|les sources ne contiennent pas/i;

export interface ShownCitationProblems {
  /** Citations whose offsets do not slice to their text in the source. */
  wrongOffsets: number;
  /** `[n]` markers in the answer's text that name no citation the answer lists. */
  danglingMarkers: number;
  /** Quoted spans in the answer's text that are in none of the cited passages. */
  unsupportedQuotes: number;
}

/**
 * What is wrong with the citations an answer shows as valid; all zero for a sound answer.
 * `sourceText` gives the source's text at a citation's offsets (null when there is none).
 */
export function shownCitationProblems(
  answer: Answer,
  sourceText: (citation: Answer['citations'][number]) => string | null,
): ShownCitationProblems {
  const wrongOffsets = answer.citations.filter((citation) => sourceText(citation) !== citation.text).length;
  const listed = new Set(answer.citations.map((citation) => citation.n));
  let danglingMarkers = 0;
  for (const match of answer.answer.matchAll(citationMarker)) {
    for (const part of (match[1] as string).split(/[,;]/))
      if (!listed.has(Number(part.trim()))) danglingMarkers++;
  }
  const cited = answer.citations.map((citation) => fold(citation.text));
  let unsupportedQuotes = 0;
  for (const pattern of quotedSpans) {
    for (const match of answer.answer.matchAll(pattern)) {
      const quote = (match[1] as string).trim();
      if (refusalQuote.test(quote)) continue;
      const needle = fold(quote).replace(/[.,;:!?…]+$/, '');
      if (needle.length > 0 && !cited.some((text) => text.includes(needle))) unsupportedQuotes++;
    }
  }
  return { wrongOffsets, danglingMarkers, unsupportedQuotes };
}
