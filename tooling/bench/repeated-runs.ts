// What every benchmark does with a measurement: take it several times, in turn, and keep the median
// (the machines are shared and noisy; the median ignores the odd slow run).

/** Runs `run` `count` times, one after the other (never concurrently: each would slow the others). */
export async function repeat<T>(count: number, run: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let index = 0; index < count; index += 1) results.push(await run());
  return results;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
