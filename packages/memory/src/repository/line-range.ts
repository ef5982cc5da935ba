/** Lines of a text, 1-based and inclusive, that a range of offsets covers. */
export interface LineRange {
  startLine: number;
  endLine: number;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (
    let position = text.indexOf('\n');
    position >= 0 && position < offset;
    position = text.indexOf('\n', position + 1)
  ) {
    line++;
  }
  return line;
}

/**
 * The lines that `text.slice(start, end)` spans, counted in the stored (normalized) text. Normalization
 * turns CRLF into LF and drops a byte order mark, neither of which moves a line, so the numbers are the
 * file's own. A range ending just after a newline ends on the line that newline closes.
 */
export function lineRange(text: string, start: number, end: number): LineRange {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  const startLine = lineOf(text, from);
  const last = to > from && text[to - 1] === '\n' ? to - 1 : to;
  return { startLine, endLine: Math.max(startLine, lineOf(text, last)) };
}

/**
 * A citation of a range of a code source as editors and reviewers write it: `src/file.ts:40-62`
 * (`src/file.ts:40` for one line). The path is the source's `path` metadata; without it, its `uri`
 * when given, else `unknown`.
 */
export function codeCitation(
  metadata: Record<string, unknown>,
  text: string,
  start: number,
  end: number,
  uri?: string,
): string {
  const path = typeof metadata.path === 'string' ? metadata.path : (uri ?? 'unknown');
  const { startLine, endLine } = lineRange(text, start, end);
  return startLine === endLine ? `${path}:${startLine}` : `${path}:${startLine}-${endLine}`;
}
