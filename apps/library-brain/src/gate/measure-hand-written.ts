import type { Library } from '../library/library.js';
import {
  firstRelevantRank,
  type GenerationFigures,
  type GenerationOutcome,
  generationFigures,
  type RetrievalFigures,
  retrievalFigures,
} from './gate-metrics.js';
import { type HandWrittenQuestion, handWrittenGroup } from './hand-written-questions.js';
import { shownCitationProblems } from './shown-citations.js';

/** One answer to a hand-written question, as the gate's JSON report records it. */
export interface HandWrittenAnswer {
  id: string;
  group: string;
  answerable: boolean;
  mode: 'generated' | 'extractive';
  refused: boolean;
  fallback: string | null;
  /** The follow-up made standalone, when the question was one. */
  standaloneQuestion: string | null;
  translatedQuestion: string | null;
  invalidCitations: number;
  answer: string;
}

export interface HandWrittenFigures {
  /** recall@5 and MRR@10 per group, over the answerable questions that are not follow-ups. */
  retrieval: Record<string, RetrievalFigures>;
  /** Answer figures per group; null when answers were not generated. */
  answers: Record<string, GenerationFigures> | null;
  misses: string[];
  answered: HandWrittenAnswer[];
}

const isAnswerable = (question: HandWrittenQuestion) => question.source !== null;

/**
 * `count` questions at most, an equal share from each group, evenly spaced in it; whole
 * conversations (follow-ups are only meaningful after their earlier turns). Positions only, never
 * contents: the same subset every run.
 */
export function sampleHandWritten(
  questions: readonly HandWrittenQuestion[],
  count: number,
): HandWrittenQuestion[] {
  const units = new Map<string, HandWrittenQuestion[][]>();
  const conversations = new Map<string, HandWrittenQuestion[]>();
  for (const question of questions) {
    const group = handWrittenGroup(question);
    if (question.conversation) {
      const turns = conversations.get(question.conversation);
      if (turns) {
        turns.push(question);
        continue;
      }
      const started = [question];
      conversations.set(question.conversation, started);
      units.set(group, [...(units.get(group) ?? []), started]);
    } else units.set(group, [...(units.get(group) ?? []), [question]]);
  }
  const groups = [...units.values()].sort((left, right) => left.length - right.length);
  const chosen = new Set<HandWrittenQuestion>();
  let left = count;
  groups.forEach((group, index) => {
    const share = Math.min(group.length, Math.max(1, Math.floor(left / (groups.length - index))));
    for (let position = 0; position < share; position++)
      for (const question of group[Math.floor(((position + 0.5) * group.length) / share)] ?? [])
        chosen.add(question);
    left -= share;
  });
  return questions.filter((question) => chosen.has(question));
}

/**
 * The hand-written questions' groups (books by half and language, unanswerable, cross-lingual,
 * filters, follow-ups), measured apart from the gate's old groups: retrieval through `search` (with
 * the question's filter), and, with `generate`, answers through `ask` (with its filter, follow-ups
 * in their conversation, turn after turn).
 */
export async function measureHandWritten(
  library: Library,
  questions: readonly HandWrittenQuestion[],
  options: { generate: boolean; sample: number | null; log: (message: string) => void },
): Promise<HandWrittenFigures> {
  const ranksByGroup = new Map<string, (number | null)[]>();
  const misses: string[] = [];
  for (const question of questions) {
    if (!isAnswerable(question) || question.conversation) continue;
    const passages = await library.search(question.question, {
      k: 10,
      ...(question.filter ? { filter: question.filter } : {}),
    });
    const rank = firstRelevantRank(question, passages);
    if (rank === null) misses.push(`${question.id}: ${question.question}`);
    const group = handWrittenGroup(question);
    ranksByGroup.set(group, [...(ranksByGroup.get(group) ?? []), rank]);
  }
  const retrieval = Object.fromEntries(
    [...ranksByGroup].map(([group, ranks]) => [group, retrievalFigures(ranks)]),
  );
  if (!options.generate) return { retrieval, answers: null, misses, answered: [] };

  const asked = options.sample === null ? [...questions] : sampleHandWritten(questions, options.sample);
  const outcomesByGroup = new Map<string, GenerationOutcome[]>();
  const answered: HandWrittenAnswer[] = [];
  const conversationIds = new Map<string, string>();
  const ordered = [...asked].sort(
    (left, right) =>
      (left.conversation ?? '').localeCompare(right.conversation ?? '') ||
      (left.turn ?? 0) - (right.turn ?? 0),
  );
  for (const [index, question] of ordered.entries()) {
    if (index % 40 === 0) options.log(`gate: answering hand-written ${index + 1}/${ordered.length}`);
    const conversationId = question.conversation ? conversationIds.get(question.conversation) : undefined;
    const answer = await library.ask(question.question, {
      ...(question.filter ? { filter: question.filter } : {}),
      ...(conversationId ? { conversationId } : {}),
    });
    if (question.conversation) conversationIds.set(question.conversation, answer.conversationId);
    const problems = shownCitationProblems(
      answer,
      (citation) => library.passage(citation.bookId, citation.start, citation.end)?.text ?? null,
    );
    const invalidCitations = problems.wrongOffsets + problems.danglingMarkers + problems.unsupportedQuotes;
    const group = handWrittenGroup(question);
    outcomesByGroup.set(group, [
      ...(outcomesByGroup.get(group) ?? []),
      { question, answer, invalidCitations },
    ]);
    answered.push({
      id: question.id,
      group,
      answerable: isAnswerable(question),
      mode: answer.mode,
      refused: answer.refused,
      fallback: answer.fallback?.code ?? null,
      standaloneQuestion: answer.standaloneQuestion,
      translatedQuestion: answer.translatedQuestion,
      invalidCitations,
      answer: answer.answer.length > 400 ? `${answer.answer.slice(0, 400)}…` : answer.answer,
    });
  }
  const answers = Object.fromEntries(
    [...outcomesByGroup]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([group, outcomes]) => [
        group,
        generationFigures(outcomes, (question) => question.source !== null),
      ]),
  );
  return { retrieval, answers, misses, answered };
}
