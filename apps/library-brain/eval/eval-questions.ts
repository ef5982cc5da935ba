import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * One hand-written question about the shared books, as the answer evaluation reads it: the gate's
 * book questions (gate/book-questions.json) and the larger set under gate/questions/*.json.
 */
export interface EvalQuestion {
  id: string;
  language: 'en' | 'fr';
  question: string;
  /** A book under the shared books folder (`en/11-0.txt`); null when no book answers it. */
  source: string | null;
  /** Strings a passage that answers it contains (case and accents ignored). */
  evidence: string[];
  /** What a correct answer mentions: one of them in the answer's text is the fact. */
  keywords: string[];
  /** `fact`, `unanswerable`, `cross-lingual`, `filter`, `follow-up`…: as the question file says. */
  kind: string;
  /** The half it belongs to: settings are chosen on `tuning` only, `report` is measured untouched. */
  split: 'tuning' | 'report';
  /** Where it was read from (the file's name). */
  file: string;
  /** The rest of the question's fields (a filter, the previous question of a follow-up…), as written. */
  extra: Record<string, unknown>;
}

const questionSchema = z
  .object({
    id: z.string().min(1),
    language: z.enum(['en', 'fr']),
    question: z.string().min(1),
    source: z.string().nullable(),
    evidence: z.array(z.string()).default([]),
    keywords: z.array(z.string()).default([]),
    kind: z.string().optional(),
    split: z.enum(['tuning', 'report']).optional(),
  })
  .loose();

const fileSchema = z.union([z.array(z.unknown()), z.object({ questions: z.array(z.unknown()) }).loose()]);

function readQuestions(path: string, file: string, defaultSplit: 'tuning' | 'report'): EvalQuestion[] {
  const parsed = fileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const entries = Array.isArray(parsed) ? parsed : parsed.questions;
  return entries.map((entry) => {
    const question = questionSchema.parse(entry);
    const { id, language, source, evidence, keywords, kind, split, ...extra } = question;
    return {
      id,
      language,
      question: question.question,
      source,
      evidence,
      keywords,
      kind: kind ?? (source === null ? 'unanswerable' : 'fact'),
      split: split ?? defaultSplit,
      file,
      extra: Object.fromEntries(Object.entries(extra).filter(([key]) => key !== 'question')),
    };
  });
}

/**
 * The questions of the gate folder: book-questions.json (the gate's first fifteen, which its
 * settings were already chosen on: tuning) and every gate/questions/*.json file. An id seen twice
 * is an error: the halves must not share a question.
 */
export function loadEvalQuestions(gateFolder: string): EvalQuestion[] {
  const questions = readQuestions(join(gateFolder, 'book-questions.json'), 'book-questions.json', 'tuning');
  const folder = join(gateFolder, 'questions');
  if (existsSync(folder)) {
    for (const name of readdirSync(folder).sort()) {
      if (!name.endsWith('.json')) continue;
      questions.push(...readQuestions(join(folder, name), `questions/${name}`, 'report'));
    }
  }
  const seen = new Set<string>();
  for (const question of questions) {
    if (seen.has(question.id)) throw new Error(`question id "${question.id}" appears twice`);
    seen.add(question.id);
  }
  return questions;
}
