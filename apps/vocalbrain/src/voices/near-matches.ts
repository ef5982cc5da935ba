/** Levenshtein distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(first: string, second: string): number {
  const a = first.toLowerCase();
  const b = second.toLowerCase();
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min(
          (previous[j] as number) + 1,
          (current[j - 1] as number) + 1,
          (previous[j - 1] as number) + cost,
        ),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function firstWord(name: string): string {
  return name.split(/[-_/:.+ ]/)[0] ?? '';
}

/**
 * The known names closest to an unknown one: within an edit distance of a third of its length (at
 * least 2), containing it or contained in it, or of the same family (the same first word of four
 * letters or more), nearest first, at most `limit`.
 */
export function nearMatches(name: string, known: readonly string[], limit = 5): string[] {
  const wanted = name.toLowerCase();
  const threshold = Math.max(2, Math.floor(wanted.length / 3));
  return [...new Set(known)]
    .map((candidate) => {
      const lower = candidate.toLowerCase();
      const contains = wanted.length >= 3 && (lower.includes(wanted) || wanted.includes(lower));
      // `whisper-1` and `whisper-base`, `piper/en_GB-x` and `piper/en_US-joe`: the same family.
      const family = firstWord(wanted).length >= 4 && firstWord(wanted) === firstWord(lower);
      const distance = editDistance(wanted, lower);
      return { candidate, distance, close: distance <= threshold || contains || family };
    })
    .filter((entry) => entry.close)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}
