import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { BookFilter } from '../library/library.js';

/**
 * A question written by hand about the shared books (gate/questions/**.json, see their README):
 * read loosely here — the questions' own test checks their shape — keeping what the gate and the
 * answer evaluation use.
 */
export interface HandWrittenQuestion {
  id: string;
  /** The question's language. */
  language: 'en' | 'fr';
  question: string;
  /** A book under the shared books folder (`en/11-0.txt`); null when no book answers it. */
  source: string | null;
  /** Strings a passage that answers it contains (case and accents ignored). */
  evidence: string[];
  /** What a correct answer mentions. */
  keywords: string[];
  /** `fact`, `who`, `where`, `why`, `number`, `quote`, `unanswerable`. */
  kind: string;
  /** `tuning`: settings may be chosen on it; `report`: only measured. */
  split: 'tuning' | 'report';
  /** The file it was read from, under gate/ (`questions/books/alice.json`). */
  file: string;
  /** `books`, `unanswerable`, `cross-lingual`, `filters`, `follow-ups`: what its file tests. */
  family: string;
  /** Filter questions: the filter they are asked with. */
  filter: BookFilter | null;
  /** Follow-ups: the conversation and the turn (1, 2, 3…) in it. */
  conversation: string | null;
  turn: number | null;
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
    filter: z
      .object({
        books: z.array(z.string()).optional(),
        author: z.string().optional(),
        language: z.string().optional(),
        shelf: z.string().optional(),
      })
      .optional(),
    conversation: z.string().optional(),
    turn: z.number().int().min(1).optional(),
  })
  .loose();

const fileSchema = z.union([z.array(z.unknown()), z.object({ questions: z.array(z.unknown()) }).loose()]);

/** `books` for the book files (gate/book-questions.json, gate/questions/books/), else the file's name. */
export function familyOf(file: string): string {
  if (file === 'book-questions.json' || file.startsWith('questions/books/')) return 'books';
  return (file.split('/').pop() ?? file).replace(/\.json$/, '');
}

/** The questions of one file; `defaultSplit` for those that name no half. */
export function readHandWrittenQuestions(
  path: string,
  file: string,
  defaultSplit: 'tuning' | 'report',
): HandWrittenQuestion[] {
  const parsed = fileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  return (Array.isArray(parsed) ? parsed : parsed.questions).map((entry) => {
    const question = questionSchema.parse(entry);
    return {
      id: question.id,
      language: question.language,
      question: question.question,
      source: question.source,
      evidence: question.evidence,
      keywords: question.keywords,
      kind: question.kind ?? (question.source === null ? 'unanswerable' : 'fact'),
      split: question.split ?? defaultSplit,
      file,
      family: familyOf(file),
      filter: question.filter ?? null,
      conversation: question.conversation ?? null,
      turn: question.turn ?? null,
    };
  });
}

/**
 * Every question under gate/questions/ (any depth), files in name order; a question without a half
 * is reported, never tuned on. An id seen twice is an error: the halves must not share a question.
 */
export function loadHandWrittenQuestions(gateFolder: string): HandWrittenQuestion[] {
  const folder = join(gateFolder, 'questions');
  const questions: HandWrittenQuestion[] = [];
  if (existsSync(folder)) {
    const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json'))
      .sort();
    for (const name of files) {
      const file = relative(gateFolder, join(folder, name)).split('\\').join('/');
      questions.push(...readHandWrittenQuestions(join(folder, name), file, 'report'));
    }
  }
  const seen = new Set<string>();
  for (const question of questions) {
    if (seen.has(question.id)) throw new Error(`question id "${question.id}" appears twice`);
    seen.add(question.id);
  }
  return questions;
}

/**
 * The gate's group for a hand-written question, apart from the old groups (books-en, books-fr,
 * unanswerable, xquad, piaf, all): the book questions by half and language (`books-report-fr`),
 * the unanswerable ones by half (`none-tuning`), and one group each for `cross-lingual`, `filters`
 * and `follow-ups`.
 */
export function handWrittenGroup(question: HandWrittenQuestion): string {
  if (question.family === 'books') return `books-${question.split}-${question.language}`;
  if (question.family === 'unanswerable') return `none-${question.split}`;
  return question.family;
}

/** Whether it is asked as it stands: not a follow-up, not a filtered question. */
export function isPlainQuestion(question: HandWrittenQuestion): boolean {
  return question.filter === null && question.conversation === null;
}
