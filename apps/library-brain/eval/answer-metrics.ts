import { fold } from '../src/gate/gate-metrics.js';

/** What one question got in one mode. */
export interface AnswerOutcome {
  id: string;
  split: 'tuning' | 'report';
  language: 'en' | 'fr';
  kind: string;
  /** The question file's family: `books`, `unanswerable`, `cross-lingual`… (eval-questions.ts). */
  family: string;
  answerable: boolean;
  refused: boolean;
  /** The question's evidence as the answerer computes it (compared with the refusal threshold). */
  evidence: number;
  /** The evidence other settings of `retrievalEvidence` measure (to choose them on the tuning half). */
  evidenceVariants: Record<string, number>;
  /** 1-based rank of the first passage from the right book holding every evidence string (top 10), or null. */
  relevantRank: number | null;
  /** One of the question's keywords is in the answer's text (case and accents ignored). */
  holdsFact: boolean;
  /** One of the citations is from the question's book. */
  rightBook: boolean;
  /** Every citation's text equals the book's text at its offsets, and every `[n]` names a citation. */
  citationsValid: boolean;
  mode: 'generated' | 'extractive';
  fallback: string | null;
  seconds: number;
  answer: string;
}

/** Whether an answer's text mentions one of the keywords (case, accents and spacing ignored). */
export function holdsKeyword(answer: string, keywords: readonly string[]): boolean {
  const text = fold(answer);
  return keywords.some((keyword) => text.includes(fold(keyword)));
}

export interface AnswerFigures {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Answerable questions refused. */
  falseRefusals: number;
  /** Of those, the ones whose first three passages held the answer (the default mode must have none). */
  refusedWithAnswerInTop3: number;
  /** Unanswerable questions answered (not refused). */
  wrongAnswers: number;
  /** Answerable questions answered with a keyword in the text, as a share of the answerable ones. */
  holdsFact: number;
  /** Answerable questions answered citing the right book, as a share of the answerable ones. */
  rightBook: number;
  /** Answers (not refusals) whose citations are all valid, as a share of the answers. */
  citationsValid: number;
  /** Answerable questions with a relevant passage in the first five (retrieval). */
  'recall@5': number;
  /** Median seconds per question. */
  medianSeconds: number;
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const share = (count: number, total: number) => (total === 0 ? 0 : round(count / total));

export function answerFigures(outcomes: readonly AnswerOutcome[]): AnswerFigures {
  const answerable = outcomes.filter((outcome) => outcome.answerable);
  const answered = outcomes.filter((outcome) => !outcome.refused);
  const seconds = outcomes.map((outcome) => outcome.seconds).sort((left, right) => left - right);
  return {
    questions: outcomes.length,
    answerable: answerable.length,
    unanswerable: outcomes.length - answerable.length,
    falseRefusals: answerable.filter((outcome) => outcome.refused).length,
    refusedWithAnswerInTop3: answerable.filter(
      (outcome) => outcome.refused && outcome.relevantRank !== null && outcome.relevantRank <= 3,
    ).length,
    wrongAnswers: outcomes.filter((outcome) => !outcome.answerable && !outcome.refused).length,
    holdsFact: share(
      answerable.filter((outcome) => !outcome.refused && outcome.holdsFact).length,
      answerable.length,
    ),
    rightBook: share(
      answerable.filter((outcome) => !outcome.refused && outcome.rightBook).length,
      answerable.length,
    ),
    citationsValid: share(answered.filter((outcome) => outcome.citationsValid).length, answered.length),
    'recall@5': share(
      answerable.filter((outcome) => outcome.relevantRank !== null && outcome.relevantRank <= 5).length,
      answerable.length,
    ),
    medianSeconds: round(seconds[Math.floor(seconds.length / 2)] ?? 0),
  };
}

/**
 * Figures by group: each half (`tuning`, `report`) over the questions in the books' own language
 * (the `books` and `unanswerable` families), then by language; each other family by half
 * (`report cross-lingual`…); with `kinds`, each half by kind (`tuning kind who`…).
 */
export function figuresByGroup(
  outcomes: readonly AnswerOutcome[],
  options: { kinds?: boolean } = {},
): Record<string, AnswerFigures> {
  const groups = new Map<string, AnswerOutcome[]>();
  const add = (name: string, outcome: AnswerOutcome) =>
    groups.set(name, [...(groups.get(name) ?? []), outcome]);
  for (const split of ['tuning', 'report'] as const) {
    for (const outcome of outcomes) {
      if (outcome.split !== split) continue;
      if (outcome.family === 'books' || outcome.family === 'unanswerable') {
        add(split, outcome);
        add(`${split} ${outcome.language}`, outcome);
        if (options.kinds) add(`${split} kind ${outcome.kind}`, outcome);
      } else add(`${split} ${outcome.family}`, outcome);
    }
  }
  return Object.fromEntries([...groups].map(([name, group]) => [name, answerFigures(group)]));
}

/** What a threshold would do on these outcomes' evidence: false refusals and wrong answers. */
export function thresholdSweep(
  outcomes: readonly AnswerOutcome[],
  thresholds: readonly number[],
): { threshold: number; falseRefusals: number; wrongAnswers: number; errors: number }[] {
  return thresholds.map((threshold) => {
    const falseRefusals = outcomes.filter(
      (outcome) => outcome.answerable && outcome.evidence < threshold,
    ).length;
    const wrongAnswers = outcomes.filter(
      (outcome) => !outcome.answerable && outcome.evidence >= threshold,
    ).length;
    return { threshold, falseRefusals, wrongAnswers, errors: falseRefusals + wrongAnswers };
  });
}
