// Where each page of a paged document (a PDF) begins in its text, so that a passage found by its
// character offsets can be cited with its page number. Source metadata holds only scalars: the
// offsets travel as one comma-separated string under `pageStarts`.

/** The metadata key a loader sets: the text offset of each page's first character, page 1 first. */
export const pageStartsKey = 'pageStarts';

/** `[0, 812, 1650]` → `"0,812,1650"`, for a source's metadata. */
export function encodePageStarts(starts: readonly number[]): string {
  return starts.join(',');
}

/**
 * The page starts recorded in a source's metadata, or null when it has none (not a paged document,
 * or ingested before pages were recorded) or they are not increasing offsets.
 */
export function readPageStarts(metadata: Readonly<Record<string, unknown>>): number[] | null {
  const value = metadata[pageStartsKey];
  if (typeof value !== 'string' || value.length === 0) return null;
  const starts = value.split(',').map(Number);
  for (const [index, start] of starts.entries()) {
    if (!Number.isInteger(start) || start < 0) return null;
    if (index > 0 && start < (starts[index - 1] as number)) return null;
  }
  return starts;
}

/** The 1-based page holding the character at `offset` (the last page whose start is at or before it). */
export function pageAtOffset(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  let page = 0;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((starts[middle] as number) <= offset) {
      page = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return page + 1;
}

/**
 * Page starts moved from the loaded text to the text as stored. Normalization may cut a prefix (a
 * Project Gutenberg header) and trim: the stored text is then found inside the loaded one and every
 * offset moves back by the same amount. Null when the stored text is not a slice of the loaded one
 * (the loader's text was not normalized already): offsets could not be trusted.
 */
export function rebasePageStarts(
  starts: readonly number[],
  loadedText: string,
  storedText: string,
): number[] | null {
  if (loadedText === storedText) return [...starts];
  const shift = loadedText.indexOf(storedText.slice(0, 512));
  if (shift < 0) return null;
  return starts.map((start) => Math.min(Math.max(0, start - shift), storedText.length));
}

/**
 * A document's metadata as stored: `pageStarts`, when there are some, rebased onto the stored
 * (normalized) text, or dropped when they cannot be (a page shown wrong is worse than none).
 */
export function metadataForStoredText<T extends Record<string, unknown>>(
  metadata: T,
  loadedText: string,
  storedText: string,
): T {
  const starts = readPageStarts(metadata);
  if (!starts) return metadata;
  const rebased = rebasePageStarts(starts, loadedText, storedText);
  const { [pageStartsKey]: _, ...rest } = metadata;
  return (rebased ? { ...rest, [pageStartsKey]: encodePageStarts(rebased) } : rest) as T;
}
