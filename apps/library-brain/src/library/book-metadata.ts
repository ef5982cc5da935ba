import { basename, extname } from 'node:path';

export interface BookMetadata {
  title: string;
  author: string | null;
}

function firstLines(text: string, count: number): string[] {
  const lines: string[] = [];
  for (const line of text.slice(0, 20_000).split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed.length > 0) lines.push(trimmed);
    if (lines.length >= count) break;
  }
  return lines;
}

function fromMetadata(metadata: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = metadata[key];
    if (typeof value === 'string' && value.trim().length > 0) return value.trim();
  }
  return null;
}

/**
 * A book's title and author from what its loader found (document properties, EPUB metadata, a
 * Project Gutenberg header) or, for plain text without a header, from the opening lines: a short
 * first line as the title, and a "by …"/"par …" line as the author.
 */
export function bookMetadata(
  path: string,
  loaded: { title: string | null; text: string; metadata: Record<string, unknown> },
): BookMetadata {
  const fileTitle = basename(path, extname(path));
  const head = loaded.text.slice(0, 20_000);
  const lines = firstLines(head, 40);
  let author =
    fromMetadata(loaded.metadata, ['author', 'creator', 'Author']) ??
    /^(?:Author|Auteur)\s*:\s*(.+)$/im.exec(head)?.[1]?.trim() ??
    null;
  if (!author) {
    const byLine = lines.find((line) => /^(?:by|par)\s+\S/i.test(line) && line.length <= 80);
    author = byLine
      ? byLine
          .replace(/^(?:by|par)\s+/i, '')
          .replace(/\s+[IVX]+$/, '')
          .trim()
      : null;
  }
  let title = loaded.title?.trim() || fileTitle;
  // The loader fell back to the file name: a plain text without a header may name itself first.
  if (title === fileTitle && !/^(?:Title|Titre)\s*:/im.test(head)) {
    const first = lines[0];
    // A short opening line with no sentence punctuation reads as a title ("LE TOUR DU MONDE…").
    if (first && first.length <= 100 && !/[.!?;:]$/.test(first)) title = first;
  }
  return { title, author };
}
