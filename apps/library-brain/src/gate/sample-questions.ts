import { type GateQuestion, questionGroup } from './question-set.js';

/**
 * A bounded, fixed subset of the question set for generation with a slow chat model: the same
 * number of questions from each group (books-en, books-fr, unanswerable, xquad, piaf), evenly spaced
 * within the group, so that every kind of question — unanswerable ones included — is represented.
 * The choice depends only on positions in the pinned set, never on the questions' contents, so it
 * cannot be picked to flatter a model, and it is the same on every run.
 */
export function sampleQuestions(questions: readonly GateQuestion[], count: number): GateQuestion[] {
  if (count >= questions.length) return [...questions];
  const groups = new Map<string, GateQuestion[]>();
  for (const question of questions) {
    const group = questionGroup(question);
    groups.set(group, [...(groups.get(group) ?? []), question]);
  }
  const members = [...groups.values()];
  const chosen = new Set<GateQuestion>();
  // Shares as equal as the count allows; a group smaller than its share gives the rest to the others.
  let left = count;
  const ordered = [...members].sort((left, right) => left.length - right.length);
  ordered.forEach((group, index) => {
    const share = Math.min(group.length, Math.floor(left / (ordered.length - index)));
    for (let position = 0; position < share; position++)
      chosen.add(group[Math.floor(((position + 0.5) * group.length) / share)] as GateQuestion);
    left -= share;
  });
  // In the set's own order, so that a run reads like the full one.
  return questions.filter((question) => chosen.has(question));
}
