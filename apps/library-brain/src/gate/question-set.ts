import { readFileSync } from 'node:fs';
import { z } from 'zod';

const questionSchema = z.object({
  id: z.string().min(1),
  language: z.enum(['en', 'fr']),
  question: z.string().min(1),
  /** A book under the shared books folder (`en/11-0.txt`), or null. */
  source: z.string().nullable(),
  /** For a book question: strings a relevant passage contains. */
  evidence: z.array(z.string()),
  /** What a correct answer mentions (empty for an unanswerable question). */
  keywords: z.array(z.string()),
  /** For a QA-set question: the id of its paragraph in `passages`. */
  passage: z.string().optional(),
});

const questionSetSchema = z.object({
  about: z.string(),
  passages: z.array(z.object({ id: z.string(), title: z.string(), text: z.string() })),
  questions: z.array(questionSchema).min(1),
});

export type GateQuestion = z.infer<typeof questionSchema>;
export type QuestionSet = z.infer<typeof questionSetSchema>;

export function isAnswerable(question: GateQuestion): boolean {
  return question.source !== null || question.passage !== undefined;
}

/** The question's group in the report: book questions by language, QA-set questions by set. */
export function questionGroup(question: GateQuestion): string {
  if (question.passage) return question.passage.split('-')[0] ?? 'qa';
  return question.source === null ? 'unanswerable' : `books-${question.language}`;
}

export function loadQuestionSet(path: string): QuestionSet {
  return questionSetSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
