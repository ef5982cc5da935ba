// The split of the hand-written questions into a tuning half (settings may be chosen on it) and a
// report half (only measured), as README.md states it:
//
// 1. Units: a question, or a whole conversation for follow-up turns (a conversation is never split).
// 2. Files are taken in a fixed order: the book files (books/*.json, by name), then cross-lingual,
//    filters, follow-ups, unanswerable, then any other file by name.
// 3. Within a file, units are taken in the order of the SHA-256 of their id. A unit whose answer
//    passage overlaps the passage of a unit already placed (same book, shared characters) takes
//    that unit's half, report winning over tuning: the same text never sits in both halves.
// 4. Any other unit goes to the half that has fewer units of its file and language so far, tuning
//    on a tie (for a file without overlaps: tuning, report, tuning, … in hash order).
//
// A file's halves depend only on that file and those before it: new questions go in new files,
// which keeps every half already used unchanged.
import { createHash } from 'node:crypto';
import type { QuestionFile } from './question-files.js';

export type Half = 'tuning' | 'report';

const derivedOrder = ['cross-lingual.json', 'filters.json', 'follow-ups.json', 'unanswerable.json'];

function fileRank(name: string): number {
  if (name.startsWith('books/')) return 0;
  const index = derivedOrder.indexOf(name);
  return index === -1 ? derivedOrder.length + 1 : index + 1;
}

interface Range {
  source: string;
  start: number;
  end: number;
}

interface Unit {
  id: string;
  language: string;
  ranges: Range[];
  questionIds: string[];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Each question's half. `passageRange` finds a question's answer passage in its book (null when it
 * has none), e.g. by searching the normalised book text.
 */
export function assignSplits(
  files: readonly QuestionFile[],
  passageRange: (source: string, passage: string) => { start: number; end: number } | null,
): Map<string, Half> {
  const halves = new Map<string, Half>();
  const placed: { range: Range; half: Half }[] = [];
  const ordered = [...files].sort(
    (left, right) => fileRank(left.name) - fileRank(right.name) || left.name.localeCompare(right.name),
  );
  for (const file of ordered) {
    const units = new Map<string, Unit>();
    for (const question of file.questions) {
      const unitId = question.conversation ?? question.id;
      const unit = units.get(unitId) ?? {
        id: unitId,
        language: question.language,
        ranges: [],
        questionIds: [],
      };
      unit.questionIds.push(question.id);
      if (question.source && question.answer_passage) {
        const range = passageRange(question.source, question.answer_passage);
        if (range) unit.ranges.push({ source: question.source, ...range });
      }
      units.set(unitId, unit);
    }
    const counts = new Map<string, { tuning: number; report: number }>();
    const countsOf = (language: string) => {
      const existing = counts.get(language) ?? { tuning: 0, report: 0 };
      counts.set(language, existing);
      return existing;
    };
    const unitsInOrder = [...units.values()].sort((left, right) =>
      sha256(left.id) < sha256(right.id) ? -1 : 1,
    );
    for (const unit of unitsInOrder) {
      const overlapping = placed.filter((entry) =>
        unit.ranges.some(
          (range) =>
            range.source === entry.range.source &&
            range.start < entry.range.end &&
            entry.range.start < range.end,
        ),
      );
      const count = countsOf(unit.language);
      let half: Half;
      if (overlapping.length > 0)
        half = overlapping.some((entry) => entry.half === 'report') ? 'report' : 'tuning';
      else half = count.report < count.tuning ? 'report' : 'tuning';
      count[half] += 1;
      for (const id of unit.questionIds) halves.set(id, half);
      for (const range of unit.ranges) placed.push({ range, half });
    }
  }
  return halves;
}
