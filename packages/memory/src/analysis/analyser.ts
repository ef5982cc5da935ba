/// <reference path="../types/snowball-stemmers.d.ts" />
import snowball from 'snowball-stemmers';
import { stopWords } from './stop-words.js';

export type Language = 'en' | 'fr';

const stemmers = {
  en: snowball.newStemmer('english'),
  fr: snowball.newStemmer('french'),
};

// Stemming is the cost of analysis; texts repeat words a lot, so a bounded memo pays for itself.
const stemCache: Record<Language, Map<string, string>> = { en: new Map(), fr: new Map() };
const stemCacheLimit = 200_000;
// Word → indexed term (null for a stop word), per language and mode: analysis is a lookup for the
// words a corpus repeats.
const termCache: Record<string, Map<string, string | null>> = {
  'en:content': new Map(),
  'fr:content': new Map(),
  'any:content': new Map(),
  'en:all': new Map(),
  'fr:all': new Map(),
  'any:all': new Map(),
};

// French elisions (l'homme, qu'il, jusqu'au) and the English possessive: the letters before or after
// the apostrophe are not a word of their own.
const elisionPrefixes = new Set([
  'l',
  'd',
  'j',
  'm',
  'n',
  's',
  't',
  'c',
  'qu',
  'jusqu',
  'lorsqu',
  'puisqu',
  'quoiqu',
]);
const wordPattern = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
const wordCharacter = /[\p{L}\p{N}]/u;
const combiningMarks = /\p{M}/gu;

export function removeDiacritics(word: string): string {
  // NFD splits "é" into "e" + a combining mark; "œ"/"æ" are letters of their own and stay.
  return word.normalize('NFD').replace(combiningMarks, '');
}

// Whether a UTF-16 code unit is a letter or digit, learnt once per unit: 0 unknown, 1 yes, 2 no.
const wordUnitKind = new Uint8Array(65_536);

function isWordAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 128)
    return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  if (code >= 0xd800 && code <= 0xdbff) {
    return wordCharacter.test(String.fromCodePoint(text.codePointAt(index) as number));
  }
  let kind = wordUnitKind[code];
  if (kind === 0) {
    kind = wordCharacter.test(String.fromCharCode(code)) ? 1 : 2;
    wordUnitKind[code] = kind;
  }
  return kind === 1;
}

function pushWord(word: string, hasApostrophe: boolean, words: string[]): void {
  if (!hasApostrophe) {
    words.push(word);
    return;
  }
  const parts = word.split(/['’]/);
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] ?? '';
    if (part.length === 0) continue;
    const isElision = index < parts.length - 1 && elisionPrefixes.has(part);
    const isPossessive = index > 0 && (part === 's' || part === 't') && index === parts.length - 1;
    if (isElision || isPossessive) continue;
    words.push(part);
  }
}

/**
 * Lower-cased words with elisions and possessives cut, in text order. A word is a run of letters
 * and digits, joined by apostrophes that have a letter or digit on both sides. The scan walks
 * character codes instead of running a Unicode regex: analysis is most of ingestion's CPU time.
 */
export function tokenize(text: string): string[] {
  const lower = text.toLowerCase();
  const words: string[] = [];
  const length = lower.length;
  let start = -1;
  let hasApostrophe = false;
  for (let index = 0; index < length; index++) {
    const code = lower.charCodeAt(index);
    if (isWordAt(lower, index)) {
      if (start < 0) start = index;
      // An astral letter (𝒜) takes two code units.
      if (code >= 0xd800 && code <= 0xdbff && (lower.codePointAt(index) as number) > 0xffff) index++;
      continue;
    }
    if (start >= 0 && (code === 39 || code === 0x2019) && index + 1 < length && isWordAt(lower, index + 1)) {
      hasApostrophe = true;
      continue;
    }
    if (start >= 0) {
      pushWord(lower.slice(start, index), hasApostrophe, words);
      start = -1;
      hasApostrophe = false;
    }
  }
  if (start >= 0) pushWord(lower.slice(start), hasApostrophe, words);
  return words;
}

/**
 * How often `word` (lower case) stands as a whole word in `lowerText` (already lower-cased): not
 * inside a longer run of letters and digits. An indexOf scan, much cheaper than tokenizing the text.
 */
export function countWholeWord(lowerText: string, word: string): number {
  let count = 0;
  let from = lowerText.indexOf(word);
  while (from >= 0) {
    const end = from + word.length;
    const startsWord = from === 0 || !isWordAt(lowerText, from - 1);
    const endsWord = end >= lowerText.length || !isWordAt(lowerText, end);
    if (startsWord && endsWord) count++;
    from = lowerText.indexOf(word, end);
  }
  return count;
}

/**
 * How often `first` then `second` (lower case) stand as whole words in `lowerText` with only
 * punctuation or spaces between them ("doctor who", "tour de france" as "tour de" and "de france").
 * The scan looks for the longer word, usually the rarer, and checks its neighbour.
 */
export function countWholePhrase(lowerText: string, first: string, second: string): number {
  const anchorIsFirst = first.length >= second.length;
  const anchor = anchorIsFirst ? first : second;
  let count = 0;
  for (let from = lowerText.indexOf(anchor); from >= 0; from = lowerText.indexOf(anchor, from + 1)) {
    const end = from + anchor.length;
    if ((from > 0 && isWordAt(lowerText, from - 1)) || (end < lowerText.length && isWordAt(lowerText, end))) {
      continue;
    }
    if (anchorIsFirst) {
      let next = end;
      while (next < lowerText.length && !isWordAt(lowerText, next)) next++;
      const after = next + second.length;
      if (
        next > end &&
        lowerText.startsWith(second, next) &&
        (after >= lowerText.length || !isWordAt(lowerText, after))
      ) {
        count++;
      }
    } else {
      let previous = from;
      while (previous > 0 && !isWordAt(lowerText, previous - 1)) previous--;
      const before = previous - first.length;
      if (
        previous < from &&
        before >= 0 &&
        lowerText.startsWith(first, before) &&
        (before === 0 || !isWordAt(lowerText, before - 1))
      ) {
        count++;
      }
    }
  }
  return count;
}

function stem(word: string, language: Language): string {
  const cache = stemCache[language];
  let stemmed = cache.get(word);
  if (stemmed === undefined) {
    // Snowball's French rules look at accents (é, è), so stem first and strip diacritics after.
    stemmed = removeDiacritics(/^\p{N}+$/u.test(word) ? word : stemmers[language].stem(word));
    if (cache.size >= stemCacheLimit) cache.clear();
    cache.set(word, stemmed);
  }
  return stemmed;
}

/** Guesses French or English from stop word counts; null when the text gives no clear sign. */
export function detectLanguage(text: string, sampleWords = 400): Language | null {
  let english = 0;
  let french = 0;
  let seen = 0;
  for (const match of text.toLowerCase().matchAll(wordPattern)) {
    const word = match[0].replace(/^(?:l|d|j|qu|n|s|c)['’]/, '');
    const inEnglish = stopWords.en.has(word);
    const inFrench = stopWords.fr.has(word);
    if (inEnglish && !inFrench) english++;
    if (inFrench && !inEnglish) french++;
    if (++seen >= sampleWords) break;
  }
  if (english === french) return null;
  if (english > french) return english >= 1 ? 'en' : null;
  return french >= 1 ? 'fr' : null;
}

export interface AnalyseOptions {
  /** Language for stop words and stemming; null uses both stop word lists and English stems. */
  language: Language | null;
  /** Keep stop words (used for phrase checks); default false. */
  keepStopWords?: boolean;
}

/**
 * The terms the lexical index sees: words, minus stop words, Snowball-stemmed, without diacritics.
 * The same function builds the indexed shadow text and the query, so both sides agree.
 */
export function analyse(text: string, options: AnalyseOptions): string[] {
  const language = options.language;
  const cache = termCache[`${language ?? 'any'}:${options.keepStopWords ? 'all' : 'content'}`] as Map<
    string,
    string | null
  >;
  const terms: string[] = [];
  for (const word of tokenize(text)) {
    let term = cache.get(word);
    if (term === undefined) {
      const isStopWord =
        !options.keepStopWords &&
        (language === null
          ? stopWords.en.has(word) || stopWords.fr.has(word)
          : stopWords[language].has(word));
      term = isStopWord ? null : stem(word, language ?? 'en');
      if (cache.size >= stemCacheLimit) cache.clear();
      cache.set(word, term);
    }
    if (term !== null) terms.push(term);
  }
  return terms;
}

/** Stems of one word in both languages (deduplicated), for queries whose language is unknown. */
export function stemsOfWord(word: string): string[] {
  const english = stem(word, 'en');
  const french = stem(word, 'fr');
  return english === french ? [english] : [english, french];
}
