// Long texts (a chapter copied from a book file) are often wrapped at 70-odd characters: each line
// break would otherwise end a segment and add a paragraph pause in the middle of a sentence. A single
// line break becomes a space; a blank line (two breaks or more) stays a paragraph break. The length
// is kept, so the offsets of the segments are the same in the submitted text and in the unwrapped one.
export function unwrapLines(text: string): string {
  return text.replace(/(?<![\r\n])(?:\r\n|\n|\r)(?![\r\n])/g, (lineBreak) => ' '.repeat(lineBreak.length));
}
