import type { Database } from 'better-sqlite3';
import { detectLanguage, type Language } from '../analysis/analyser.js';
import type { Embedder } from '../embedder/embedder.js';
import { throwIfAborted } from '../errors/index.js';
import { cosine } from '../migration/compare-embedders.js';
import type { NumberedPassage } from '../prompt/prompt-builder.js';
import type { RetrievalFilter, RetrievalQuery, RetrievedChunk, Retriever } from '../retriever/retriever.js';
import { reciprocalRankFusion } from '../retriever/rrf.js';
import { type EvidenceTerms, evidenceTerms } from './evidence.js';
import type { ExtractedSentence } from './extractive-answer.js';
import { retrievalEvidence } from './retrieval-evidence.js';

/** The question in the other language (a validated translation), asked beside the original. */
export interface QuestionTranslation {
  text: string;
  language: Language;
}

/**
 * Evidence for passages in another language than the question's, from a multilingual embedder:
 * the cosine between the question's query vector and the passage's passage vector. The threshold is
 * the embedder's own (cosines of different models are not comparable): calibrate it on answerable
 * and unanswerable cross-lingual questions with `calibrateRefusal` over `similarity` values.
 */
export interface CrossLingualEvidence {
  embedder: Embedder;
  /** A passage at this cosine or above is evidence enough: it scores the refusal threshold. */
  similarityThreshold: number;
}

/** What the evidence of an answer was measured with. */
export type EvidenceBasis = 'question_terms' | 'translated_terms' | 'similarity';

export interface MeasuredEvidence {
  /** In [0, 1], compared with the refusal threshold. */
  evidence: number;
  basis: EvidenceBasis;
  /** The terms to pick the extractive answer's sentences with (the translation's for its passages). */
  terms: EvidenceTerms;
  /** The best cross-lingual cosine, when one was measured; null otherwise. */
  similarity: number | null;
  /** True when the best passage is in another language than the question's. */
  crossLingual: boolean;
  /**
   * The passages to answer from, best first: as retrieved, except that when the similarity decided,
   * the other language's passages come first, nearest first (lexical matches on a stray word of the
   * question's language otherwise crowd them out).
   */
  chunks: readonly RetrievedChunk[];
}

/** The language each source was detected in at ingestion (null when unsure or unknown). */
export function readSourceLanguages(
  connection: Database | null,
  sourceIds: readonly number[],
): Map<number, Language | null> {
  const languages = new Map<number, Language | null>();
  if (!connection) return languages;
  const read = connection.prepare('SELECT language FROM memory_sources WHERE id = ?').pluck();
  for (const id of new Set(sourceIds)) {
    const language = read.get(id) as string | null | undefined;
    languages.set(id, language === 'en' || language === 'fr' ? language : null);
  }
  return languages;
}

/** The sources detected in a language at ingestion. */
export function sourcesInLanguage(connection: Database, language: Language): number[] {
  return connection
    .prepare('SELECT id FROM memory_sources WHERE language = ?')
    .pluck()
    .all(language) as number[];
}

export interface AcrossLanguagesOptions {
  /** The question in the other language: searched too, in that language's sources. */
  translation?: QuestionTranslation | null;
  /**
   * Search the question itself in the other language's sources too (with a multilingual
   * embedder): its vectors would otherwise favour any passage in the question's language over the
   * right one in the other, and its words match only its own language.
   */
  otherLanguage?: boolean;
  /** Where the sources' languages are read; without it, only the translation is searched. */
  connection?: Database | null;
}

/** The filter narrowed to some sources (null when nothing is left of it). */
function narrowed(filter: RetrievalFilter | undefined, sourceIds: readonly number[]): RetrievalFilter | null {
  const allowed = filter?.sourceIds ? filter.sourceIds.filter((id) => sourceIds.includes(id)) : sourceIds;
  return allowed.length === 0 ? null : { ...filter, sourceIds: allowed };
}

/**
 * Retrieves with the question and, across languages, with its translation and with the question
 * in the other language's sources; the lists are fused by reciprocal rank (equal weights), so that
 * a passage found in either language can answer. Without a translation or `otherLanguage`, this is
 * the retriever's own list.
 */
export async function retrieveAcrossLanguages(
  retriever: Retriever,
  query: RetrievalQuery,
  options: AcrossLanguagesOptions = {},
): Promise<RetrievedChunk[]> {
  const queries: RetrievalQuery[] = [query];
  const questionLanguage = detectLanguage(query.text);
  const otherLanguage: Language | null =
    options.translation?.language ??
    (questionLanguage === 'fr' ? 'en' : questionLanguage === 'en' ? 'fr' : null);
  const otherSources =
    options.connection && otherLanguage && (options.translation || options.otherLanguage)
      ? sourcesInLanguage(options.connection, otherLanguage)
      : null;
  const otherFilter = otherSources ? narrowed(query.filter, otherSources) : undefined;
  if (options.translation && otherFilter !== null)
    queries.push({ ...query, text: options.translation.text, filter: otherFilter ?? query.filter });
  if (options.otherLanguage && otherFilter) queries.push({ ...query, filter: otherFilter });
  if (queries.length === 1) return retriever.retrieve(query);
  const lists = await Promise.all(queries.map((each) => retriever.retrieve(each)));
  const byId = new Map<number, RetrievedChunk>();
  for (const chunk of lists.flat()) if (!byId.has(chunk.chunkId)) byId.set(chunk.chunkId, chunk);
  const fused = reciprocalRankFusion(
    lists.map((list) => ({ ids: list.map((chunk) => chunk.chunkId), weight: 1 })),
  );
  return fused
    .slice(0, query.limit ?? 10)
    .map((hit) => ({ ...(byId.get(hit.chunkId) as RetrievedChunk), score: hit.score }));
}

export interface MeasureEvidenceInput {
  question: string;
  /** The retrieved passages, best first. */
  chunks: readonly RetrievedChunk[];
  connection: Database | null;
  translation?: QuestionTranslation | null;
  crossLingual?: CrossLingualEvidence | null;
  refusalThreshold: number;
  /** How many of the best passages the similarity is measured on (default: all of them). */
  passages?: number;
  signal?: AbortSignal;
}

/** The cosine of each text's passage vector with the question's query vector. */
async function similarities(
  embedder: Embedder,
  question: string,
  texts: readonly string[],
  signal: AbortSignal | undefined,
): Promise<number[]> {
  const [questionVector] = await embedder.embed([question], { purpose: 'query', signal });
  const vectors = await embedder.embed(texts, { purpose: 'passage', signal });
  return vectors.map((vector) => cosine(questionVector as Float32Array, vector));
}

/**
 * How well the best passages answer the question, across languages: the best of
 * - the question's terms (`retrievalEvidence`; names are the same in both languages),
 * - the translated question's terms, when there is a translation,
 * - for passages in another language than the question's, with a multilingual embedder, the
 *   cosine scaled so that the calibrated similarity threshold scores the refusal threshold.
 * Without a translation or an embedder, or when no passage is in another language, this is exactly
 * `retrievalEvidence` over the question's terms.
 */
export async function measureEvidence(input: MeasureEvidenceInput): Promise<MeasuredEvidence> {
  const questionTerms = evidenceTerms(input.question, input.connection);
  const plain: MeasuredEvidence = {
    evidence: retrievalEvidence(questionTerms, input.chunks),
    basis: 'question_terms',
    terms: questionTerms,
    similarity: null,
    crossLingual: false,
    chunks: input.chunks,
  };
  if ((!input.translation && !input.crossLingual) || !questionTerms.language || input.chunks.length === 0)
    return plain;
  const best = input.chunks.slice(0, input.passages ?? input.chunks.length);
  const languages = readSourceLanguages(
    input.connection,
    best.map((chunk) => chunk.sourceId),
  );
  const foreignChunks = best.filter((chunk) => {
    const language = languages.get(chunk.sourceId) ?? null;
    return language !== null && language !== questionTerms.language;
  });
  if (foreignChunks.length === 0) return plain;
  const firstLanguage = languages.get(best[0]?.sourceId ?? -1) ?? null;
  let result: MeasuredEvidence = {
    ...plain,
    crossLingual: firstLanguage !== null && firstLanguage !== questionTerms.language,
  };
  if (input.translation) {
    const translatedTerms = evidenceTerms(input.translation.text, input.connection);
    const language = input.translation.language;
    // The translation's terms measure the passages in its language, best first as fused.
    const translatedChunks = best.filter((chunk) => languages.get(chunk.sourceId) === language);
    const evidence = retrievalEvidence(translatedTerms, translatedChunks);
    if (evidence > result.evidence) {
      const promoted = new Set(translatedChunks);
      result = {
        ...result,
        evidence,
        basis: 'translated_terms',
        terms: translatedTerms,
        crossLingual: true,
        chunks: [...translatedChunks, ...input.chunks.filter((chunk) => !promoted.has(chunk))],
      };
    } else if (result.crossLingual) {
      // The translation's terms still pick the extractive sentences of passages in its language.
      result = { ...result, terms: translatedTerms };
    }
  }
  if (input.crossLingual) {
    let cosines: number[] | null = null;
    try {
      cosines = await similarities(
        input.crossLingual.embedder,
        input.question,
        foreignChunks.map((chunk) => chunk.text),
        input.signal,
      );
    } catch {
      throwIfAborted(input.signal);
      // An embedder that fails here leaves the word evidence: the answer is measured, not lost.
    }
    if (cosines && cosines.length > 0) {
      const similarity = Math.max(...cosines);
      const evidence = Math.min(
        1,
        Math.max(0, (input.refusalThreshold * similarity) / input.crossLingual.similarityThreshold),
      );
      if (evidence > result.evidence) {
        const nearest = foreignChunks
          .map((chunk, index) => ({ chunk, cosine: cosines?.[index] as number }))
          .sort((left, right) => right.cosine - left.cosine)
          .map((entry) => entry.chunk);
        const promoted = new Set(nearest);
        result = {
          ...result,
          similarity,
          evidence,
          basis: 'similarity',
          crossLingual: true,
          chunks: [...nearest, ...input.chunks.filter((chunk) => !promoted.has(chunk))],
        };
      } else result = { ...result, similarity };
    }
  }
  return result;
}

function withoutBracketedNumbers(text: string): string {
  return text.replace(/\s*\[\d+(?:\s*[,;]\s*\d+)*\]/g, '');
}

/**
 * The extractive answer when the question's words are not in the passages' language: the
 * sentences of the first passages nearest to the question by the multilingual embedder, in passage
 * order, each followed by its citation (the passages' own text, in their language).
 */
export async function similarSentences(
  embedder: Embedder,
  question: string,
  passages: readonly NumberedPassage[],
  options: { sentences?: number; passages?: number; signal?: AbortSignal } = {},
): Promise<{ text: string; sentences: ExtractedSentence[] }> {
  const candidates: ExtractedSentence[] = [];
  const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  for (const passage of passages.slice(0, options.passages ?? 3)) {
    const unwrapped = passage.chunk.text.replace(/(?<!\n)\n(?!\n)/g, ' ');
    for (const segment of segmenter.segment(unwrapped)) {
      const raw = segment.segment;
      const text = raw.trim().replace(/\s+/g, ' ');
      // Fragments ("Chapter 3.", "Ah!") and headings (no closing punctuation) say little on their own.
      if (text.split(' ').length < 6 || !/[.!?…]['’”»")\s]*$/u.test(text)) continue;
      const trimmedStart = raw.length - raw.trimStart().length;
      const start = passage.chunk.start + segment.index + trimmedStart;
      const end = passage.chunk.start + segment.index + raw.trimEnd().length;
      candidates.push({ number: passage.number, text, start, end, score: 0 });
    }
  }
  if (candidates.length === 0) return { text: '', sentences: [] };
  const scores = await similarities(
    embedder,
    question,
    candidates.map((candidate) => candidate.text),
    options.signal,
  );
  candidates.forEach((candidate, index) => {
    candidate.score = scores[index] as number;
  });
  const seen = new Set<string>();
  const chosen = [...candidates]
    .sort((left, right) => right.score - left.score)
    .filter((candidate) => {
      if (seen.has(candidate.text)) return false;
      seen.add(candidate.text);
      return true;
    })
    .slice(0, options.sentences ?? 2)
    .sort((left, right) => left.number - right.number || left.start - right.start);
  const parts: string[] = [];
  chosen.forEach((sentence, index) => {
    const next = chosen[index + 1];
    const shown = withoutBracketedNumbers(sentence.text);
    parts.push(next && next.number === sentence.number ? shown : `${shown} [${sentence.number}]`);
  });
  return { text: parts.join(' '), sentences: chosen };
}

/** Generic sentence pairs (no book): a question and its translation, and an unrelated passage. */
const probePairs: { query: string; match: string; unrelated: string }[] = [
  {
    query: 'Pourquoi le chat dort-il sur le tapis ?',
    match: 'The cat sleeps on the rug because the floor is cold.',
    unrelated: 'Interest rates rose sharply at the central bank yesterday.',
  },
  {
    query: 'Qui a écrit cette lettre à sa mère ?',
    match: 'He wrote a long letter to his mother every Sunday.',
    unrelated: 'The mountain road was closed after heavy snowfall.',
  },
  {
    query: 'Where did the soldiers hide the gold?',
    match: "Les soldats ont caché l'or dans une grotte près de la rivière.",
    unrelated: 'Elle préparait une soupe aux légumes pour le dîner.',
  },
  {
    query: 'How old was the king when he died?',
    match: 'Le roi mourut à l’âge de quatre-vingts ans.',
    unrelated: 'Les enfants jouaient au ballon dans la cour de l’école.',
  },
];

/**
 * Whether an embedder places a French text near its English counterpart (a multilingual model):
 * for every generic probe pair, the question must be nearer its translation than an unrelated
 * sentence of the same language by a clear margin. A monolingual model fails: the words differ.
 */
export async function embedsAcrossLanguages(
  embedder: Embedder,
  options: { margin?: number; signal?: AbortSignal } = {},
): Promise<boolean> {
  const queries = await embedder.embed(
    probePairs.map((pair) => pair.query),
    { purpose: 'query', signal: options.signal },
  );
  const passages = await embedder.embed(
    probePairs.flatMap((pair) => [pair.match, pair.unrelated]),
    { purpose: 'passage', signal: options.signal },
  );
  return probePairs.every((_, index) => {
    const query = queries[index] as Float32Array;
    const match = cosine(query, passages[index * 2] as Float32Array);
    const unrelated = cosine(query, passages[index * 2 + 1] as Float32Array);
    return match - unrelated >= (options.margin ?? 0.05);
  });
}
