import type { Database } from 'better-sqlite3';
import {
  analyse,
  countWholePhrase,
  countWholeWord,
  detectLanguage,
  stemsOfWord,
  tokenize,
} from '../analysis/analyser.js';
import { stopWords } from '../analysis/stop-words.js';
import { readIndexStatistics } from '../store/index-statistics.js';

export interface LexicalSearchOptions {
  limit: number;
  /** Source ids allowed (null: all). */
  sourceIds: readonly number[] | null;
  /**
   * When the query's posting lists add up to more than `matchedPostings`, its terms found in more
   * than this fraction of chunks are left out of the MATCH (default 0.05): they cost the most to
   * scan and say the least. Terms in fewer than `frequentTermFloor` chunks are always kept.
   */
  maxDocumentFraction?: number;
  frequentTermFloor?: number;
  /**
   * Most rows the MATCH may touch, summed over its terms (default 2 % of the chunks, at least
   * 20,000): beyond it the more frequent terms only rescore the candidates the rarer ones found.
   */
  matchedPostings?: number;
  /** Replace query words absent from the index by the closest indexed term (default true). */
  fuzzy?: boolean;
  /** Rescore the best candidates with term proximity (BM25TP); default true. */
  proximity?: boolean;
  /** Weight of the term-proximity bonus when rescoring (default 1; 0 keeps the other features). */
  proximityWeight?: number;
  /** How many FTS5 candidates are rescored (default 100). */
  rescoreDepth?: number;
  /**
   * Weight of a truncated match when rescoring (default 0.3; 0 turns it off): a query term a
   * candidate lacks still counts at this fraction of its BM25 weight when the candidate has a term
   * with the same first five letters. See `truncatedMatches`.
   */
  truncatedMatchWeight?: number;
  /**
   * Weight of an exact-form match when rescoring (default 0.4; 0 turns it off): a query word found
   * in the candidate's text exactly as typed adds this fraction of its BM25 weight. See
   * `exactFormMatches`.
   */
  exactFormWeight?: number;
  /**
   * Weight of a phrase match when rescoring (default 0.2; 0 turns it off): two consecutive query
   * words, stop words included, found side by side in the candidate's text. See `queryPhrases`.
   */
  phraseWeight?: number;
}

export interface LexicalHit {
  chunkId: number;
  score: number;
}

export interface QueryTerm {
  /** Alternative stems of one query word (one, or English and French when the language is unknown). */
  stems: string[];
  /** The query's words (lower case) that gave these stems, as typed; empty for a typo correction. */
  words: string[];
  documentFrequency: number;
}

export interface AnalysedQuery {
  terms: QueryTerm[];
  /** Terms too frequent to search with: they still score the candidates the others found. */
  dropped: QueryTerm[];
  chunkCount: number;
}

function chunkCount(connection: Database): number {
  return readIndexStatistics(connection).chunks;
}

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits), capped at `limit` + 1. */
export function editDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  let previousPrevious: number[] = [];
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1]) {
        value = Math.min(value, (previousPrevious[j - 2] as number) + 1);
      }
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
    previousPrevious = previous;
    previous = current;
  }
  return previous[right.length] as number;
}

function closestIndexedTerm(
  connection: Database,
  stem: string,
): { term: string; documentFrequency: number } | null {
  // Short words have too many neighbours to guess from; numbers are never typos of each other.
  if (stem.length < 5 || /\d/.test(stem)) return null;
  const limit = stem.length <= 7 ? 1 : 2;
  const prefix = stem.slice(0, 2);
  const upper = prefix.slice(0, -1) + String.fromCodePoint((prefix.codePointAt(1) as number) + 1);
  const rows = connection
    .prepare('SELECT term, doc FROM memory_fts_vocabulary WHERE term >= ? AND term < ?')
    .all(prefix, upper) as { term: string; doc: number }[];
  let best: { term: string; documentFrequency: number; distance: number } | null = null;
  for (const row of rows) {
    const distance = editDistance(stem, row.term, limit);
    if (distance > limit) continue;
    if (
      !best ||
      distance < best.distance ||
      (distance === best.distance && row.doc > best.documentFrequency)
    ) {
      best = { term: row.term, documentFrequency: row.doc, distance };
    }
  }
  return best ? { term: best.term, documentFrequency: best.documentFrequency } : null;
}

/** Query words → stems with their document frequencies, frequent and unknown ones removed. */
export function analyseQuery(
  connection: Database,
  text: string,
  options: Pick<
    LexicalSearchOptions,
    'maxDocumentFraction' | 'frequentTermFloor' | 'fuzzy' | 'matchedPostings'
  > = {},
): AnalysedQuery {
  // Typed text may come decomposed (macOS input gives "e" + U+0301): the index holds NFC.
  text = text.normalize('NFC');
  const language = detectLanguage(text);
  // Words that stem alike are one term ("whale" and "whales"), which keeps every form typed.
  const words = new Map<string, { stems: string[]; words: string[] }>();
  for (const word of tokenize(text)) {
    const isStopWord = language
      ? stopWords[language].has(word)
      : stopWords.en.has(word) || stopWords.fr.has(word);
    if (isStopWord) continue;
    const stems = language ? analyse(word, { language, keepStopWords: true }) : stemsOfWord(word);
    const key = stems.join(' ');
    const entry = words.get(key);
    if (!entry) words.set(key, { stems, words: [word] });
    else if (!entry.words.includes(word)) entry.words.push(word);
  }
  const count = chunkCount(connection);
  const frequency = connection.prepare('SELECT doc FROM memory_fts_vocabulary WHERE term = ?').pluck();
  const candidates: QueryTerm[] = [];
  for (const { stems, words: typed } of words.values()) {
    const documentFrequency = Math.max(
      ...stems.map((stem) => (frequency.get(stem) as number | undefined) ?? 0),
    );
    if (documentFrequency > 0) {
      candidates.push({ stems, words: typed, documentFrequency });
      continue;
    }
    // A word the index has never seen is most often a typo ("ctenphores"): take the closest indexed
    // term within a small edit distance, as search engines' "fuzziness: auto" does.
    const corrected = options.fuzzy === false ? null : closestIndexedTerm(connection, stems[0] as string);
    if (corrected)
      candidates.push({ stems: [corrected.term], words: [], documentFrequency: corrected.documentFrequency });
  }
  const limit = Math.max((options.maxDocumentFraction ?? 0.05) * count, options.frequentTermFloor ?? 100);
  candidates.sort((left, right) => left.documentFrequency - right.documentFrequency);
  // FTS5 scores every row that matches any term before it can sort: the MATCH takes the rarest
  // terms while their posting lists add up to the budget, the others only rescore the candidates.
  const budget = options.matchedPostings ?? Math.max(0.02 * count, 20_000);
  const kept: QueryTerm[] = [];
  const dropped: QueryTerm[] = [];
  // Dropping a term is a cost measure, not a relevance one: a chunk that only matches the frequent
  // terms can never enter the rescored pool. In a small, homogeneous collection (a few thousand
  // abstracts of one field, where the field's own words are in a large share of them) that pool
  // loses relevant documents for nothing, since the whole MATCH costs less than the budget. So a
  // query whose posting lists fit the budget keeps every term; BM25's IDF weighs frequent ones down.
  const total = candidates.reduce((sum, term) => sum + term.documentFrequency, 0);
  if (total <= budget) return { terms: candidates, dropped, chunkCount: count };
  let postings = 0;
  for (const term of candidates) {
    if (term.documentFrequency <= limit && postings + term.documentFrequency <= budget) {
      kept.push(term);
      postings += term.documentFrequency;
    } else dropped.push(term);
  }
  // A query made only of frequent words still needs something to search with: its rarest two.
  while (kept.length < 2 && dropped.length > 0) kept.push(dropped.shift() as QueryTerm);
  return { terms: kept, dropped, chunkCount: count };
}

/** Mean analysed terms per chunk (FTS5's own BM25 normalizer), from the statistics the writes keep. */
function averageChunkLength(connection: Database): number {
  const statistics = readIndexStatistics(connection);
  return Math.max(statistics.indexedTerms / Math.max(statistics.chunks, 1), 1);
}

/** An FTS5 MATCH expression of quoted terms joined by OR: no user text can make it a syntax error. */
export function toMatchExpression(terms: readonly Pick<QueryTerm, 'stems'>[]): string {
  const quoted = new Set<string>();
  for (const term of terms) for (const stem of term.stems) quoted.add(`"${stem.replaceAll('"', '""')}"`);
  return [...quoted].join(' OR ');
}

const k1 = 1.2;
const b = 0.75;

/** BM25's length normalizer for a chunk of `length` analysed terms. */
function lengthNormOf(length: number, averageLength: number): number {
  return k1 * (1 - b + (b * length) / averageLength);
}

/** BM25's saturated weight of a term (or pair, or phrase) seen `frequency` times in a chunk. */
function saturatedWeight(idf: number, frequency: number, lengthNorm: number): number {
  return (idf * (frequency * (k1 + 1))) / (frequency + lengthNorm);
}

/**
 * BM25TP term proximity (Rasolofo & Savoy, 2003): pairs of different query terms close together
 * (within 5 positions) add a BM25-saturated bonus weighted by the rarer term's IDF.
 */
function proximityScore(
  analysed: string[],
  termIndexOf: Map<string, number>,
  idf: readonly number[],
  lengthNorm: number,
): number {
  const positions: { position: number; term: number }[] = [];
  analysed.forEach((stem, position) => {
    const term = termIndexOf.get(stem);
    if (term !== undefined) positions.push({ position, term });
  });
  const accumulated = new Map<number, number>();
  for (let left = 0; left < positions.length; left++) {
    const first = positions[left] as { position: number; term: number };
    for (let right = left + 1; right < positions.length; right++) {
      const second = positions[right] as { position: number; term: number };
      const distance = second.position - first.position;
      if (distance > 5) break;
      if (first.term === second.term) continue;
      const key = Math.min(first.term, second.term) * 4096 + Math.max(first.term, second.term);
      accumulated.set(key, (accumulated.get(key) ?? 0) + 1 / (distance * distance));
    }
  }
  let score = 0;
  for (const [key, value] of accumulated) {
    const weight = Math.min(idf[Math.floor(key / 4096)] as number, idf[key % 4096] as number);
    score += saturatedWeight(weight, value, lengthNorm);
  }
  return score;
}

const truncationLength = 5;

/**
 * The BM25 part of query terms a candidate lacks but matches on their first five letters. Snowball
 * keeps derivations apart that a reader joins (suburban/suburbs, colonist/colonial, India/Indian,
 * scientist/scientific; gouvernement/gouverneur), and truncating to five characters joins them: on
 * its own it stems about as well as Snowball across European languages (McNamee and Mayfield, 2004).
 * Truncation also joins unrelated words (principle/principal), hence a weak weight, and only as a
 * second chance for terms the candidate does not contain. Numbers are never truncated.
 */
function truncatedMatches(
  analysed: readonly string[],
  scoringTerms: readonly QueryTerm[],
  idf: readonly number[],
  lengthNorm: number,
): number {
  const present = new Set(analysed);
  let prefixes: Map<string, number> | null = null;
  let score = 0;
  scoringTerms.forEach((term, index) => {
    if (term.stems.some((stem) => present.has(stem))) return;
    const truncated = new Set(
      term.stems
        .filter((stem) => stem.length >= truncationLength && !/\d/.test(stem))
        .map((stem) => stem.slice(0, truncationLength)),
    );
    if (truncated.size === 0) return;
    if (!prefixes) {
      prefixes = new Map();
      for (const word of analysed) {
        if (word.length < truncationLength) continue;
        const prefix = word.slice(0, truncationLength);
        prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
      }
    }
    let frequency = 0;
    for (const prefix of truncated) frequency += prefixes.get(prefix) ?? 0;
    if (frequency > 0) score += saturatedWeight(idf[index] as number, frequency, lengthNorm);
  });
  return score;
}

/**
 * The BM25 part of query words found in the chunk's text exactly as typed. Stemming joins words a
 * reader keeps apart ("United States" and "units", "receiver" and "received", "Panthers" and
 * "panther"); a bonus for the exact form is the "stemmed plus exact" pair of fields that search
 * engines recommend, without a second index: only the rescored candidates' texts are scanned.
 */
function exactFormMatches(
  lowerText: string,
  scoringTerms: readonly QueryTerm[],
  idf: readonly number[],
  lengthNorm: number,
): number {
  let score = 0;
  scoringTerms.forEach((term, index) => {
    let frequency = 0;
    for (const word of term.words) frequency += countWholeWord(lowerText, word);
    if (frequency > 0) score += saturatedWeight(idf[index] as number, frequency, lengthNorm);
  });
  return score;
}

interface QueryPhrase {
  first: string;
  second: string;
  idf: number;
}

/**
 * Pairs of consecutive query words with at least one content word, weighted by the IDF of the rarer
 * content word. The shadow index has no stop words, so "Doctor Who", "prise de la Bastille" or
 * "Tour de France" lose the words that make them names; term proximity only pairs content words.
 * This is the ordered-bigram feature of the sequential dependence model (Metzler and Croft, 2005),
 * read from the candidates' texts.
 */
function queryPhrases(
  text: string,
  scoringTerms: readonly QueryTerm[],
  idf: readonly number[],
): QueryPhrase[] {
  const idfOfWord = new Map<string, number>();
  scoringTerms.forEach((term, index) => {
    for (const word of term.words) idfOfWord.set(word, idf[index] as number);
  });
  const words = text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
  const phrases: QueryPhrase[] = [];
  for (let index = 0; index + 1 < words.length; index++) {
    const first = words[index] as string;
    const second = words[index + 1] as string;
    const weights = [idfOfWord.get(first), idfOfWord.get(second)].filter((weight) => weight !== undefined);
    if (weights.length > 0) phrases.push({ first, second, idf: Math.min(...weights) });
  }
  return phrases;
}

function phraseMatches(lowerText: string, phrases: readonly QueryPhrase[], lengthNorm: number): number {
  let score = 0;
  for (const phrase of phrases) {
    const frequency = countWholePhrase(lowerText, phrase.first, phrase.second);
    if (frequency > 0) score += saturatedWeight(phrase.idf, frequency, lengthNorm);
  }
  return score;
}

/**
 * BM25 over the stemmed shadow index; the best candidates are rescored with term proximity, the
 * frequent terms left out of the MATCH, truncated matches, exact-form matches and phrase matches.
 */
export function lexicalSearch(
  connection: Database,
  text: string,
  options: LexicalSearchOptions,
): LexicalHit[] {
  const query = analyseQuery(connection, text, options);
  if (query.terms.length === 0) return [];
  const rescoreDepth = options.proximity === false ? 0 : (options.rescoreDepth ?? 100);
  const filtered = options.sourceIds !== null;
  if (filtered && options.sourceIds?.length === 0) return [];
  const pool = Math.max(options.limit, rescoreDepth);
  // Unfiltered: MATCH … ORDER BY rank LIMIT, FTS5's fast path. Filtered: the filter goes inside the
  // query, so a selective filter still finds its best chunks (a top-n taken before filtering could
  // hold none of them); the postings budget above bounds how many rows that scores.
  const rows = connection
    .prepare(
      filtered
        ? `SELECT rowid AS id, -bm25(memory_fts) AS score, analysed FROM memory_fts
           WHERE memory_fts MATCH ? AND rowid IN (SELECT id FROM memory_chunks WHERE source_id IN (SELECT value FROM json_each(?)))
           ORDER BY rank LIMIT ?`
        : 'SELECT rowid AS id, -bm25(memory_fts) AS score, analysed FROM memory_fts WHERE memory_fts MATCH ? ORDER BY rank LIMIT ?',
    )
    .all(
      ...(filtered
        ? [toMatchExpression(query.terms), JSON.stringify(options.sourceIds), pool]
        : [toMatchExpression(query.terms), pool]),
    ) as { id: number; score: number; analysed: string }[];
  const scoringTerms = [...query.terms, ...query.dropped];
  if (rescoreDepth === 0 || scoringTerms.length < 2) {
    return rows.slice(0, options.limit).map((row) => ({ chunkId: row.id, score: row.score }));
  }
  const termIndexOf = new Map<string, number>();
  scoringTerms.forEach((term, index) => {
    for (const stem of term.stems) termIndexOf.set(stem, index);
  });
  const idf = scoringTerms.map((term) =>
    Math.log(1 + (query.chunkCount - term.documentFrequency + 0.5) / (term.documentFrequency + 0.5)),
  );
  const averageLength = averageChunkLength(connection);
  const firstDropped = query.terms.length;
  const truncatedMatchWeight = options.truncatedMatchWeight ?? 0.3;
  const exactFormWeight = options.exactFormWeight ?? 0.4;
  const phraseWeight = options.phraseWeight ?? 0.2;
  const proximityWeight = options.proximityWeight ?? 1;
  const phrases = phraseWeight > 0 ? queryPhrases(text, scoringTerms, idf) : [];
  const candidates = rows.slice(0, rescoreDepth);
  // Exact forms and phrases are read from the candidates' own texts, lower-cased once.
  const textOf = new Map<number, string>();
  if (exactFormWeight > 0 || phrases.length > 0) {
    const texts = connection
      .prepare('SELECT id, text FROM memory_chunks WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(candidates.map((row) => row.id))) as { id: number; text: string }[];
    for (const { id, text: chunkText } of texts) textOf.set(id, chunkText.toLowerCase());
  }
  const rescored = candidates.map((row) => {
    const terms = row.analysed.split(' ');
    const lengthNorm = lengthNormOf(terms.length, averageLength);
    let score = row.score;
    if (proximityWeight > 0) score += proximityWeight * proximityScore(terms, termIndexOf, idf, lengthNorm);
    if (truncatedMatchWeight > 0) {
      score += truncatedMatchWeight * truncatedMatches(terms, scoringTerms, idf, lengthNorm);
    }
    const lowerText = textOf.get(row.id) ?? '';
    if (exactFormWeight > 0) {
      score += exactFormWeight * exactFormMatches(lowerText, scoringTerms, idf, lengthNorm);
    }
    if (phrases.length > 0) score += phraseWeight * phraseMatches(lowerText, phrases, lengthNorm);
    if (query.dropped.length > 0) {
      // The BM25 part FTS5 did not compute: the frequent terms left out of the MATCH.
      const counts = new Map<number, number>();
      for (const term of terms) {
        const index = termIndexOf.get(term);
        if (index !== undefined && index >= firstDropped) counts.set(index, (counts.get(index) ?? 0) + 1);
      }
      for (const [index, frequency] of counts) {
        score += saturatedWeight(idf[index] as number, frequency, lengthNorm);
      }
    }
    return { chunkId: row.id, score };
  });
  rescored.sort((left, right) => right.score - left.score);
  return rescored.slice(0, options.limit);
}
