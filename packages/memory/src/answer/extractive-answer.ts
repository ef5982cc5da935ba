import type { NumberedPassage } from '../prompt/prompt-builder.js';
import { coverage, type EvidenceTerms } from './evidence.js';

export interface ExtractedSentence {
  number: number;
  text: string;
  /** Offsets into the source text, like chunk offsets. */
  start: number;
  end: number;
  score: number;
}

/**
 * A book's own bracketed numbers — footnote markers such as Project Gutenberg's "vaisseau[1] ?" —
 * would read as the answer's citations, naming passages they do not mean: they are left out of the
 * sentence as shown (the citation's offsets still give the exact source text).
 */
function withoutBracketedNumbers(text: string): string {
  return text.replace(/\s*\[\d+(?:\s*[,;]\s*\d+)*\]/g, '');
}

const openingQuotes = new Map([
  ['“', '”'],
  ['«', '»'],
  ['‘', '’'],
]);
const closingQuotes = new Set(openingQuotes.values());

/**
 * A sentence cut out of dialogue often holds half a quotation (`I do not think,” said the doctor`):
 * shown beside the next chosen sentence, its stray mark would pair with that sentence's and read as a
 * quotation of text the book does not hold in one piece. Marks without their partner in the sentence
 * are left out of the shown sentence (the citation's offsets still give the exact source text); an
 * apostrophe (’ between letters) is kept. Straight double quotes are left out when they do not pair up.
 */
export function withBalancedQuotes(text: string): string {
  const characters = [...text];
  const open: { mark: string; index: number }[] = [];
  const stray = new Set<number>();
  characters.forEach((character, index) => {
    const apostrophe =
      character === '’' &&
      /\p{L}/u.test(characters[index - 1] ?? '') &&
      /\p{L}/u.test(characters[index + 1] ?? '');
    if (openingQuotes.has(character)) open.push({ mark: character, index });
    else if (closingQuotes.has(character) && !apostrophe) {
      const last = open.at(-1);
      if (last && openingQuotes.get(last.mark) === character) open.pop();
      else if (character !== '’') stray.add(index);
    }
  });
  for (const { index } of open) stray.add(index);
  const straight = characters.filter((character) => character === '"').length;
  return characters
    .filter((character, index) => !stray.has(index) && !(character === '"' && straight % 2 === 1))
    .join('')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

export interface ExtractiveAnswerOptions {
  /** Most sentences in the answer (default 3). */
  sentences?: number;
  locale?: string;
  /** A further sentence must score at least this share of the best one's score (default 0.5). */
  minimumShare?: number;
  /**
   * Sentences are scored with the question's term weights raised to this power (default 3): a
   * sentence holding the question's rarest words (a name, a rare noun) outranks one holding more of
   * its common words, which more often restates the question than answers it. 1 scores by plain
   * IDF-weighted coverage. Chosen on the tuning half of the book questions (apps/library-brain/eval).
   */
  rarityExponent?: number;
}

/** The same terms with their weights raised to `exponent`. */
function sharpened(evidence: EvidenceTerms, exponent: number): EvidenceTerms {
  return exponent === 1
    ? evidence
    : { ...evidence, weights: evidence.weights.map((weight) => weight ** exponent) };
}

/**
 * The answer without a generator: the sentences of the passages that cover the question best
 * (weighted towards its rare terms), in passage order, each followed by its citation.
 */
export function extractiveAnswer(
  evidence: EvidenceTerms,
  passages: readonly NumberedPassage[],
  options: ExtractiveAnswerOptions = {},
): { text: string; sentences: ExtractedSentence[] } {
  const weighted = sharpened(evidence, options.rarityExponent ?? 3);
  const segmenter = new Intl.Segmenter(options.locale ?? evidence.language ?? 'en', {
    granularity: 'sentence',
  });
  const candidates: ExtractedSentence[] = [];
  passages.forEach((passage, passageIndex) => {
    // Books are often hard-wrapped (Project Gutenberg: a line break every ~70 characters) and the
    // segmenter ends a sentence at every line break. A single line break is read as a space (same
    // length, so offsets still point into the source); a blank line still ends a paragraph.
    const unwrapped = passage.chunk.text.replace(/(?<!\n)\n(?!\n)/g, ' ');
    for (const segment of segmenter.segment(unwrapped)) {
      const raw = segment.segment;
      const trimmedStart = raw.length - raw.trimStart().length;
      const text = raw.trim().replace(/\s+/g, ' ');
      if (text.length < 3) continue;
      // Earlier passages ranked higher: a small tie-breaker in their favour.
      const score = coverage(weighted, text) - passageIndex * 0.001;
      if (score <= 0) continue;
      const start = passage.chunk.start + segment.index + trimmedStart;
      const end = passage.chunk.start + segment.index + raw.trimEnd().length;
      candidates.push({ number: passage.number, text, start, end, score });
    }
  });
  candidates.sort((left, right) => right.score - left.score);
  // A further sentence must cover at least half of what the best one covers: one that shares a
  // single minor word with the question ("owners" for "Who is the owner of Pemberley?") is noise.
  const best = candidates[0]?.score ?? 0;
  // Consecutive chunks overlap, so the same sentence can come from two passages: said once, with
  // the citation of the better-ranked one.
  const seen = new Set<string>();
  const chosen = candidates
    .filter((candidate) => candidate.score >= best * (options.minimumShare ?? 0.5))
    .filter((candidate) => {
      if (seen.has(candidate.text)) return false;
      seen.add(candidate.text);
      return true;
    })
    .slice(0, options.sentences ?? 3)
    .sort((left, right) => left.number - right.number || left.start - right.start);
  // Consecutive sentences of one passage are cited once, after the last of them.
  const parts: string[] = [];
  chosen.forEach((sentence, index) => {
    const next = chosen[index + 1];
    const shown = withBalancedQuotes(withoutBracketedNumbers(sentence.text));
    parts.push(next && next.number === sentence.number ? shown : `${shown} [${sentence.number}]`);
  });
  return { text: parts.join(' '), sentences: chosen };
}
