export interface WordErrorRate {
  /** (substitutions + deletions + insertions) / reference words; null when the reference is empty. */
  rate: number | null;
  substitutions: number;
  deletions: number;
  insertions: number;
  referenceWords: number;
}

/** Lower case, apostrophes unified, punctuation dropped, digits kept: the usual WER normalization. */
export function normalizeForWordErrorRate(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replaceAll('’', "'")
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .split(/\s+/u)
    .filter((word) => word.length > 0);
}

/** Word error rate by Levenshtein alignment over normalized words. */
export function wordErrorRate(reference: string, hypothesis: string): WordErrorRate {
  const expected = normalizeForWordErrorRate(reference);
  const heard = normalizeForWordErrorRate(hypothesis);
  // cost[i][j] with back-pointers kept as counts of each edit kind.
  type Cell = { cost: number; substitutions: number; deletions: number; insertions: number };
  let previous: Cell[] = Array.from({ length: heard.length + 1 }, (_, j) => ({
    cost: j,
    substitutions: 0,
    deletions: 0,
    insertions: j,
  }));
  for (let i = 1; i <= expected.length; i += 1) {
    const current: Cell[] = [{ cost: i, substitutions: 0, deletions: i, insertions: 0 }];
    for (let j = 1; j <= heard.length; j += 1) {
      const diagonal = previous[j - 1] as Cell;
      const up = previous[j] as Cell;
      const left = current[j - 1] as Cell;
      const same = expected[i - 1] === heard[j - 1];
      const options: Cell[] = [
        {
          ...diagonal,
          cost: diagonal.cost + (same ? 0 : 1),
          substitutions: diagonal.substitutions + (same ? 0 : 1),
        },
        { ...up, cost: up.cost + 1, deletions: up.deletions + 1 },
        { ...left, cost: left.cost + 1, insertions: left.insertions + 1 },
      ];
      current.push(options.reduce((best, option) => (option.cost < best.cost ? option : best)));
    }
    previous = current;
  }
  const last = previous[heard.length] as Cell;
  return {
    rate: expected.length === 0 ? null : last.cost / expected.length,
    substitutions: last.substitutions,
    deletions: last.deletions,
    insertions: last.insertions,
    referenceWords: expected.length,
  };
}
