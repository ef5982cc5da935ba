import { canonicalText } from '../text/content-hash.js';
import type { AnswerScore, Scorer } from './scorer.js';

const citationGroup = /\[(\d+(?:\s*[,;]\s*\d+)*)\]/g;
// Straight and curly double quotes and French guillemets; single quotes are apostrophes too often.
const quotePatterns = [/"([^"\n]{3,})"/g, /“([^”\n]{3,})”/g, /«\s*([^»\n]{3,}?)\s*»/g];
const refusalPatterns = [
  /\b(?:the )?sources? (?:do(?:es)? not|don't) (?:contain|include|mention|say)/i,
  /\bnot in the sources\b/i,
  /\bles sources ne (?:contiennent|mentionnent|disent) pas\b/i,
  /\b(?:ne figure|n'apparaît|n’apparaît) pas dans les sources\b/i,
];

const comparable = (text: string) => canonicalText(text).toLowerCase().replace(/[’']/g, "'");

/**
 * Checks an answer against the passages it was given: every [n] must name a supplied passage, every
 * quoted span must appear in the supplied passages (spacing and case aside), and an answer must cite
 * or refuse.
 */
export function createCitationScorer(): Scorer {
  return {
    score(answer, passages) {
      const numbers = new Set(passages.map((passage) => passage.number));
      const citations: number[] = [];
      for (const match of answer.matchAll(citationGroup)) {
        for (const part of (match[1] as string).split(/[,;]/)) {
          const number = Number(part.trim());
          if (!citations.includes(number)) citations.push(number);
        }
      }
      const invalidCitations = citations.filter((number) => !numbers.has(number));
      const haystack = passages.map((passage) => comparable(passage.chunk.text));
      const unsupportedQuotes: string[] = [];
      for (const pattern of quotePatterns) {
        for (const match of answer.matchAll(pattern)) {
          const quote = (match[1] as string).trim();
          if (refusalPatterns.some((refusal) => refusal.test(quote))) continue;
          const needle = comparable(quote).replace(/[.,;:!?…]+$/, '');
          if (needle.length > 0 && !haystack.some((text) => text.includes(needle)))
            unsupportedQuotes.push(quote);
        }
      }
      const refusal = refusalPatterns.some((pattern) => pattern.test(answer));
      const valid =
        invalidCitations.length === 0 && unsupportedQuotes.length === 0 && (citations.length > 0 || refusal);
      const score: AnswerScore = { citations, invalidCitations, unsupportedQuotes, refusal, valid };
      return score;
    },
  };
}
