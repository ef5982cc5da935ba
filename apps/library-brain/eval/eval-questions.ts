import { join } from 'node:path';
import {
  type HandWrittenQuestion,
  loadHandWrittenQuestions,
  readHandWrittenQuestions,
} from '../src/gate/hand-written-questions.js';

export type EvalQuestion = HandWrittenQuestion;
export { familyOf, isPlainQuestion } from '../src/gate/hand-written-questions.js';

/**
 * The questions the answer evaluation asks: the gate's first fifteen (gate/book-questions.json,
 * which its settings were already chosen on: tuning) and every question under gate/questions/.
 */
export function loadEvalQuestions(gateFolder: string): EvalQuestion[] {
  const questions = [
    ...readHandWrittenQuestions(join(gateFolder, 'book-questions.json'), 'book-questions.json', 'tuning'),
    ...loadHandWrittenQuestions(gateFolder),
  ];
  const seen = new Set<string>();
  for (const question of questions) {
    if (seen.has(question.id)) throw new Error(`question id "${question.id}" appears twice`);
    seen.add(question.id);
  }
  return questions;
}
