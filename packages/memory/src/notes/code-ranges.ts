/** A half-open range `[start, end)` of a Markdown text. */
export type TextRange = readonly [start: number, end: number];

const fencePattern = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Where a Markdown text holds code: fenced blocks (``` or ~~~, up to the closing fence of the same
 * character and at least the same length, or the end of the note) and inline code spans. Tags and
 * links are not read there, and the text there is stored as written.
 */
export function findCodeRanges(text: string): TextRange[] {
  const ranges: TextRange[] = [];
  let fence: { marker: string; start: number } | null = null;
  let offset = 0;
  let proseStart = 0;
  for (const line of text.split('\n')) {
    const lineEnd = offset + line.length;
    const opening = fencePattern.exec(line)?.[1];
    if (fence) {
      const closing = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
      if (closing && closing[0] === fence.marker[0] && closing.length >= fence.marker.length) {
        ranges.push([fence.start, lineEnd]);
        fence = null;
        proseStart = lineEnd;
      }
    } else if (opening) {
      ranges.push(...inlineCodeRanges(text, proseStart, offset));
      fence = { marker: opening, start: offset };
    }
    offset = lineEnd + 1;
  }
  if (fence) ranges.push([fence.start, text.length]);
  else ranges.push(...inlineCodeRanges(text, proseStart, text.length));
  return ranges;
}

/** Inline code spans between two offsets: a run of backticks up to the next run of the same length. */
function inlineCodeRanges(text: string, start: number, end: number): TextRange[] {
  const ranges: TextRange[] = [];
  const prose = text.slice(start, end);
  // A span never crosses a blank line: a stray backtick must not hide the next paragraph.
  const pattern = /(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n)[\s\S])*?[^`])\1(?!`)/g;
  for (const match of prose.matchAll(pattern)) {
    ranges.push([start + match.index, start + match.index + match[0].length]);
  }
  return ranges;
}
