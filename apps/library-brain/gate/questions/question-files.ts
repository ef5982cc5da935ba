// The hand-written question files under gate/questions/ (see README.md): their shape, how to read
// them, and the book text they are checked against.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';

const bookFilterSchema = z
  .object({
    books: z.array(z.string().min(1)).min(1).optional(),
    author: z.string().min(1).optional(),
    language: z.string().min(1).optional(),
  })
  .strict();

const questionSchema = z
  .object({
    id: z.string().min(1),
    /** The question's language. */
    language: z.enum(['en', 'fr']),
    question: z.string().min(1),
    /** A book under the shared books folder (`en/2701-0.txt`), or null when no book answers it. */
    source: z.string().nullable(),
    /** Strings the answering passage holds, close together (case and accents ignored). */
    evidence: z.array(z.string().min(1)),
    /** What a correct answer mentions: words of the passage. */
    keywords: z.array(z.string().min(1)),
    /** A verbatim excerpt of the book (whitespace collapsed) that answers the question. */
    answer_passage: z.string().min(1).max(400).optional(),
    kind: z.enum(['fact', 'who', 'where', 'why', 'number', 'quote', 'unanswerable']),
    /** `tuning`: settings may be chosen on it; `report`: only measured (question-split.ts). */
    split: z.enum(['tuning', 'report']),
    /** Cross-lingual questions: the book's language, which differs from the question's. */
    bookLanguage: z.enum(['en', 'fr']).optional(),
    /** Filter questions: the BookFilter the question is asked with. */
    filter: bookFilterSchema.optional(),
    /** Follow-up turns: the conversation they belong to and their place in it (1, 2, 3). */
    conversation: z.string().min(1).optional(),
    turn: z.number().int().min(1).optional(),
    /** Unanswerable questions: terms the question depends on that occur in no shared book. */
    absent: z.array(z.string().min(1)).optional(),
  })
  .strict();

const fileSchema = z.object({ about: z.string().min(1), questions: z.array(questionSchema).min(1) }).strict();

export type BookQuestion = z.infer<typeof questionSchema>;

export interface QuestionFile {
  /** The path under gate/questions/, with forward slashes (`books/alice.json`). */
  name: string;
  about: string;
  questions: BookQuestion[];
}

/** Every JSON file under the folder, sorted by name, validated. */
export function loadQuestionFiles(folder: string): QuestionFile[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .map((name) => relative(folder, join(folder, name)).split('\\').join('/'))
    .sort()
    .map((name) => {
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(join(folder, name), 'utf8')));
      if (!parsed.success) throw new Error(`${name}: ${z.prettifyError(parsed.error)}`);
      return { name, ...parsed.data };
    });
}

/** A book's text with its byte-order mark dropped and every run of whitespace made one space. */
export function normalizedBookText(booksFolder: string, source: string): string {
  return readFileSync(join(booksFolder, source), 'utf8')
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, ' ');
}
