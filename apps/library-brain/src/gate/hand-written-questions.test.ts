import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type HandWrittenQuestion,
  handWrittenGroup,
  isPlainQuestion,
  loadHandWrittenQuestions,
} from './hand-written-questions.js';
import { sampleHandWritten } from './measure-hand-written.js';

const base = { evidence: ['x'], keywords: ['y'], kind: 'fact' };

function gateFolder(files: Record<string, unknown>): string {
  const folder = mkdtempSync(join(tmpdir(), 'klody-hand-written-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(folder, 'questions', name, '..'), { recursive: true });
    writeFileSync(join(folder, 'questions', name), JSON.stringify(content));
  }
  return folder;
}

describe('hand-written questions', () => {
  it('reads every file under gate/questions/ into groups apart from the old ones', () => {
    const folder = gateFolder({
      'books/alice.json': {
        about: 'Alice',
        questions: [
          { ...base, id: 'a1', language: 'en', question: 'Q?', source: 'en/11-0.txt', split: 'tuning' },
          { ...base, id: 'a2', language: 'fr', question: 'Q ?', source: 'en/11-0.txt' },
        ],
      },
      'unanswerable.json': {
        about: 'none',
        questions: [{ ...base, id: 'n1', language: 'en', question: 'Q?', source: null, split: 'tuning' }],
      },
      'filters.json': {
        about: 'filters',
        questions: [
          {
            ...base,
            id: 'f1',
            language: 'en',
            question: 'Who is the captain?',
            source: 'en/2701-0.txt',
            filter: { books: ['Moby Dick'] },
            split: 'report',
          },
        ],
      },
    });
    const questions = loadHandWrittenQuestions(folder);
    expect(questions.map((question) => [question.id, handWrittenGroup(question)])).toEqual([
      ['a1', 'books-tuning-en'],
      // A question that names no half is reported, never tuned on.
      ['a2', 'books-report-fr'],
      ['f1', 'filters'],
      ['n1', 'none-tuning'],
    ]);
    expect(questions.find((question) => question.id === 'f1')?.filter).toEqual({ books: ['Moby Dick'] });
    expect(questions.map(isPlainQuestion)).toEqual([true, true, false, true]);
  });

  it('refuses a question id written twice', () => {
    const question = { ...base, id: 'same', language: 'en', question: 'Q?', source: null };
    const folder = gateFolder({
      'one.json': { about: '1', questions: [question] },
      'two.json': { about: '2', questions: [question] },
    });
    expect(() => loadHandWrittenQuestions(folder)).toThrow(/"same" appears twice/);
  });
});

describe('sampleHandWritten', () => {
  const question = (
    id: string,
    family: string,
    conversation: string | null = null,
    turn: number | null = null,
  ) =>
    ({
      id,
      language: 'en',
      question: id,
      source: 'en/11-0.txt',
      evidence: [],
      keywords: [],
      kind: 'fact',
      split: 'report',
      file: `questions/${family}.json`,
      family,
      filter: null,
      conversation,
      turn,
    }) satisfies HandWrittenQuestion;

  it('keeps whole conversations and takes a share of every group', () => {
    const questions = [
      ...Array.from({ length: 6 }, (_, index) => question(`x${index}`, 'cross-lingual')),
      question('c1-1', 'follow-ups', 'c1', 1),
      question('c1-2', 'follow-ups', 'c1', 2),
      question('c2-1', 'follow-ups', 'c2', 1),
      question('c2-2', 'follow-ups', 'c2', 2),
      question('c2-3', 'follow-ups', 'c2', 3),
    ];
    const sample = sampleHandWritten(questions, 2);
    const ids = sample.map((chosen) => chosen.id);
    expect(ids.filter((id) => id.startsWith('x'))).toHaveLength(1);
    // One conversation, with all its turns.
    const turns = ids.filter((id) => id.startsWith('c'));
    expect([
      ['c1-1', 'c1-2'],
      ['c2-1', 'c2-2', 'c2-3'],
    ]).toContainEqual(turns);
    expect(sampleHandWritten(questions, 2)).toEqual(sample);
  });
});
