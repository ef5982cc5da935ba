export interface NormalizeOptions {
  /** Cut Project Gutenberg's header and licence footer (default true). */
  stripGutenberg?: boolean;
}

const startMarker = /^\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK[^\n]*$/im;
const endMarker = /^\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK[^\n]*$/im;
// The line "End of (the) Project Gutenberg EBook of …" sits just above the END marker in most files,
// and some files have only that line.
const endLine = /^End of (?:the )?Project Gutenberg['’]?s?\s[^\n]*$/im;

/**
 * The text every offset refers to: Unicode NFC, no byte-order mark, `\n` line ends, no trailing
 * spaces at line ends, no Project Gutenberg header or licence footer, trimmed.
 */
export function normalizeText(raw: string, options: NormalizeOptions = {}): string {
  let text = raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .normalize('NFC');
  if (options.stripGutenberg ?? true) text = stripGutenberg(text);
  return text.replace(/[ \t\u00A0]+$/gm, '').trim();
}

/** Keeps the book between Project Gutenberg's START and END markers; leaves other texts alone. */
export function stripGutenberg(text: string): string {
  let body = text;
  const start = startMarker.exec(body);
  if (start) body = body.slice(start.index + start[0].length);
  const end = endMarker.exec(body);
  if (end) body = body.slice(0, end.index);
  const closing = endLine.exec(body);
  // Only a closing line near the end: the same words inside the book must not cut it.
  if (closing && body.length - closing.index < 2_000) body = body.slice(0, closing.index);
  return body;
}

/** @deprecated use normalizeText (one spelling across Klody's packages) */
export const normaliseText = normalizeText;

/** @deprecated use NormalizeOptions */
export type NormaliseOptions = NormalizeOptions;
