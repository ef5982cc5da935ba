import type { Answer, Passage } from '../library/library.js';
import type { GateQuestion } from './question-set.js';

/** Case- and accent-insensitive text for matching evidence and keywords. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/[’‘]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/** Whether a retrieved passage answers the question's need (see question-set.json's `about`). */
export function isRelevant(question: GateQuestion, passage: Passage): boolean {
  if (question.passage) return passage.path.endsWith(`/${question.passage}.txt`);
  if (!question.source) return false;
  if (!passage.path.endsWith(`/${question.source}`)) return false;
  const text = fold(passage.text);
  return question.evidence.every((evidence) => text.includes(fold(evidence)));
}

/** 1-based rank of the first relevant passage, or null when none is in the list. */
export function firstRelevantRank(question: GateQuestion, passages: readonly Passage[]): number | null {
  const index = passages.findIndex((passage) => isRelevant(question, passage));
  return index === -1 ? null : index + 1;
}

export interface RetrievalFigures {
  questions: number;
  'recall@5': number;
  'mrr@10': number;
}

/** recall@5 (hit rate) and MRR@10 over the ranks of answerable questions (CONTRACTS.md). */
export function retrievalFigures(ranks: readonly (number | null)[]): RetrievalFigures {
  const count = ranks.length;
  if (count === 0) return { questions: 0, 'recall@5': 0, 'mrr@10': 0 };
  const recall = ranks.filter((rank) => rank !== null && rank <= 5).length / count;
  const mrr =
    ranks.reduce<number>((sum, rank) => sum + (rank !== null && rank <= 10 ? 1 / rank : 0), 0) / count;
  return { questions: count, 'recall@5': round(recall), 'mrr@10': round(mrr) };
}

export interface GenerationOutcome {
  question: GateQuestion;
  answer: Answer;
  /** Citations shown as valid that are not: wrong offsets, `[n]` naming nothing listed, quotes in no cited passage. */
  invalidCitations: number;
}

export interface GenerationFigures {
  questions: number;
  keywordCoverage: number;
  refusalAccuracy: number;
  /** Citations shown as valid that are not (must be 0). */
  invalidCitations: number;
  /** Answers the chat model wrote and that were shown (cited, checked by the scorer). */
  answered?: number;
  /**
   * Keyword coverage counting the chat model's own shown answers only: `keywordCoverage` also counts
   * the extractive answers that replaced the model's, which says nothing of the model.
   */
  modelKeywordCoverage?: number;
  /** Answerable questions refused (weak evidence, or the model said the sources do not answer). */
  refusedWrongly?: number;
  /** Unanswerable questions answered. */
  answeredWrongly?: number;
  /** Model answers replaced by the extractive one, by `fallback.code` (`invalid_citation`: it cited wrongly). */
  fallbacks?: Record<string, number>;
}

export function generationFigures(
  outcomes: readonly GenerationOutcome[],
  answerable: (question: GateQuestion) => boolean,
): GenerationFigures {
  const withKeywords = outcomes.filter(
    (outcome) => answerable(outcome.question) && outcome.question.keywords.length > 0,
  );
  const covers = (outcome: GenerationOutcome) => {
    const answer = fold(outcome.answer.answer);
    return (
      !outcome.answer.refused && outcome.question.keywords.every((keyword) => answer.includes(fold(keyword)))
    );
  };
  const covered = withKeywords.filter(covers).length;
  const coveredByModel = withKeywords.filter(
    (outcome) => outcome.answer.mode === 'generated' && covers(outcome),
  ).length;
  const rightRefusals = outcomes.filter(
    (outcome) => outcome.answer.refused === !answerable(outcome.question),
  ).length;
  const fallbacks: Record<string, number> = {};
  for (const outcome of outcomes) {
    const code = outcome.answer.fallback?.code;
    if (code) fallbacks[code] = (fallbacks[code] ?? 0) + 1;
  }
  return {
    questions: outcomes.length,
    keywordCoverage: withKeywords.length === 0 ? 0 : round(covered / withKeywords.length),
    refusalAccuracy: outcomes.length === 0 ? 0 : round(rightRefusals / outcomes.length),
    invalidCitations: outcomes.reduce((sum, outcome) => sum + outcome.invalidCitations, 0),
    answered: outcomes.filter((outcome) => outcome.answer.mode === 'generated' && !outcome.answer.refused)
      .length,
    modelKeywordCoverage: withKeywords.length === 0 ? 0 : round(coveredByModel / withKeywords.length),
    refusedWrongly: outcomes.filter((outcome) => answerable(outcome.question) && outcome.answer.refused)
      .length,
    answeredWrongly: outcomes.filter((outcome) => !answerable(outcome.question) && !outcome.answer.refused)
      .length,
    fallbacks,
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
