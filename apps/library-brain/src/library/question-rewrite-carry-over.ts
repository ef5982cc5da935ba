import { analyse, stopWords, tokenize } from '@klody/memory';

/** Words of a text as written (case kept, elisions like "l'" cut), with their lower-case form. */
function wordsOf(text: string): { word: string; lower: string }[] {
  const words: { word: string; lower: string }[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu)) {
    const lower = tokenize(match[0]).at(-1);
    if (!lower) continue;
    words.push({ word: match[0].slice(match[0].length - lower.length), lower });
  }
  return words;
}

const isStopWord = (lower: string) => stopWords.en.has(lower) || stopWords.fr.has(lower);

// Question words and verbs of asking that the stop-word lists keep: carried over, they would only
// add noise to the search.
const askingWords = new Set(
  `what which who whom whose why how when where tell say said describe explain happen happens happened
  quoi quel quelle quels quelles qui pourquoi comment quand où dit dire dis raconte racontez explique
  expliquez décris décrivez passe arrive arrivé`.split(/\s+/),
);

/** The content words of a text, as written, in order, each once: no stop word, no question word. */
export function contentWords(text: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const { word, lower } of wordsOf(text)) {
    if (isStopWord(lower) || askingWords.has(lower) || lower.length < 2 || seen.has(lower)) continue;
    seen.add(lower);
    words.push(word);
  }
  return words;
}

// Words that point back at something said before. French articles that are also pronouns (le, la,
// les), "en" and "y" are left out: they are too often something else.
const pointingWords = new Set(
  `he she it they him her his hers its their theirs them this that these those there then next such
  il elle ils elles lui leur leurs son sa ses cet cette ces cela ça celui celle ceux celles ensuite alors`.split(
    /\s+/,
  ),
);
const continuationStarts =
  /^\s*(and|also|but|then|what about|how about|et|aussi|mais|puis|quant à|et pour)\b/iu;

/**
 * Whether a question needs the conversation to be understood: it points back (a pronoun, "this",
 * "then"), starts as a continuation ("and…", "what about…", "et…"), or has no content word of its
 * own ("Why?").
 */
export function dependsOnConversation(question: string): boolean {
  return continuationStarts.test(question) || pointsBack(question);
}

/**
 * Whether a question refers to something named before (a pronoun, "this", "then"), or has no
 * content word of its own ("Why?"): what it points at may be a word the previous question carried.
 * "And the Cheshire Cat?" depends on the conversation but names its own subject instead.
 */
export function pointsBack(question: string): boolean {
  if (contentWords(question).length === 0) return true;
  return wordsOf(question).some(({ lower }) => pointingWords.has(lower));
}

/** At most this many words are carried over, so that a long conversation does not grow the question. */
export const carriedWordLimit = 8;

/**
 * The follow-up made standalone without a chat model: the previous question's content words that
 * the follow-up lacks, carried over in brackets — "What ship does he command? (Captain Ahab)".
 * Null when the follow-up stands alone, or when there is nothing to carry.
 */
export function carryOverTerms(previousQuestion: string, question: string): string | null {
  if (!dependsOnConversation(question)) return null;
  const own = new Set(analyse(question, { language: null }));
  const carried = contentWords(previousQuestion)
    // The previous question may carry words in brackets already: they are words like the others.
    .filter((word) => !analyse(word, { language: null }).every((stem) => own.has(stem)))
    .slice(0, carriedWordLimit);
  if (carried.length === 0) return null;
  return `${question.trim()} (${carried.join(' ')})`;
}
