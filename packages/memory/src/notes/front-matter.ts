import { MemoryError } from '../errors/index.js';
import { loadYaml } from './load-yaml.js';

export interface FrontMatter {
  /** The YAML mapping; empty when the note has no front matter. */
  data: Record<string, unknown>;
  /** The note after its front matter (the whole note when it has none). */
  body: string;
}

// A front matter opens with `---` on the note's first line and closes with `---` (or YAML's `...`)
// on a line of its own. Without a closing line it is no front matter, as in Obsidian: the note
// merely starts with a horizontal rule.
const frontMatterPattern = /^---[ \t]*\n(?:([\s\S]*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/;

/**
 * Splits a note (LF line ends, no BOM) into its YAML front matter and its body. Front matter that
 * is not valid YAML, or not a mapping, is a `load_failed` error naming the file, line and column.
 */
export async function splitFrontMatter(text: string, file: string): Promise<FrontMatter> {
  const match = frontMatterPattern.exec(text);
  if (!match) return { data: {}, body: text };
  const yaml = match[1] ?? '';
  const body = text.slice(match[0].length);
  if (yaml.trim().length === 0) return { data: {}, body };
  const { parseDocument } = await loadYaml();
  const document = parseDocument(yaml, { prettyErrors: true });
  const error = document.errors[0];
  if (error) {
    // The YAML starts on the file's second line, after the opening `---`.
    const position = error.linePos?.[0];
    const place = position ? `:${position.line + 1}:${position.col}` : '';
    const reason = error.message.split(' at line ')[0] ?? error.message;
    throw new MemoryError('load_failed', `${file}${place}: the front matter is not valid YAML: ${reason}`, {
      cause: error,
    });
  }
  const data: unknown = document.toJS();
  if (data === null || data === undefined) return { data: {}, body };
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new MemoryError(
      'load_failed',
      `${file}:2: the front matter is not a list of properties (key: value), but ${Array.isArray(data) ? 'a list' : `the value ${JSON.stringify(data)}`}`,
    );
  }
  return { data: data as Record<string, unknown>, body };
}

/**
 * A front matter property that holds a list (tags, aliases): a YAML list, or a string split by
 * `separator` (older Obsidian notes wrote `tags: a, b`).
 */
export function frontMatterList(value: unknown, separator: RegExp): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(separator) : [];
  return items
    .filter((item) => typeof item === 'string' || typeof item === 'number')
    .map((item) => String(item).trim())
    .filter((item) => item.length > 0);
}
