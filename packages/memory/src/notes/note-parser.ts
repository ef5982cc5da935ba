import { basename, extname } from 'node:path';
import { findCodeRanges } from './code-ranges.js';
import { frontMatterList, splitFrontMatter } from './front-matter.js';
import { findInlineTags } from './inline-tags.js';
import { parseWikiLink, renderWikiLink } from './wiki-link.js';

export interface ParsedNote {
  /** Front matter `title`, else the first `# ` heading, else the file name without `.md`. */
  title: string;
  /**
   * The note as stored: its Markdown body without the front matter, `[[links]]` rendered as they
   * read (alias, else note name), embedded attachments (`![[image.png]]`, `![alt](image.png)`)
   * removed, code kept as written.
   */
  text: string;
  /** Front matter `tags`/`tag` then inline `#tags`, without `#`, as first written, once each (ignoring case). */
  tags: string[];
  /** Linked notes, as written, without `.md`, heading or alias: `[[folder/Note#Part|x]]` → `folder/Note`. */
  links: string[];
  /** Front matter `aliases`/`alias`. */
  aliases: string[];
  /** The whole front matter, for callers that want other properties. */
  properties: Record<string, unknown>;
}

export interface NoteInput {
  /** The note's Markdown as read from its file. */
  text: string;
  /** The file, named in errors and used for the fallback title. */
  file: string;
}

// `![[x]]` and `[[x]]` (no brackets or line break inside); `![alt](target)` and `[label](target)`.
const wikiLinkPattern = /(!?)\[\[([^[\]\n]+?)\]\]/g;
const markdownLinkPattern = /(!?)\[([^\]\n]*)\]\(<?([^)\s>]+)>?(?:\s+"[^"\n]*")?\)/g;
const embedLinePattern = /^[ \t]*!\[\[([^[\]\n]+?)\]\][ \t]*(?:\n|$)/gm;
const urlScheme = /^[a-z][a-z0-9+.-]*:/i;

function uniqueIgnoringCase(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.normalize('NFC').toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function decodePath(target: string): string {
  try {
    return decodeURIComponent(target);
  } catch {
    return target;
  }
}

const atLineStart = (text: string, offset: number) => offset === 0 || text[offset - 1] === '\n';

/** Renders one stretch of prose (no code in it) and collects its tags and links. */
function renderProse(prose: string, atLineStart: boolean, tags: string[], links: string[]): string {
  tags.push(...findInlineTags(prose));
  // An attachment embedded on a line of its own goes with its line, leaving no blank gap.
  const withoutEmbedLines = prose.replace(embedLinePattern, (whole, inside: string, offset: number) =>
    (offset > 0 || atLineStart) && parseWikiLink(inside, true).attachment ? '' : whole,
  );
  const withWikiLinks = withoutEmbedLines.replace(wikiLinkPattern, (_whole, bang: string, inside: string) => {
    const link = parseWikiLink(inside, bang === '!');
    if (!link.attachment && link.target) links.push(link.target);
    return renderWikiLink(link);
  });
  return withWikiLinks.replace(markdownLinkPattern, (whole, bang: string, label: string, target: string) => {
    if (urlScheme.test(target) || target.startsWith('#')) return whole;
    const path = decodePath(target.split('#')[0] ?? '');
    const extension = extname(path).toLowerCase();
    const note = extension === '.md' || extension === '.markdown';
    if (note && !bang) links.push(path.slice(0, -extension.length));
    // An embedded local file (an image, a PDF) keeps only its description.
    return bang && !note ? label : whole;
  });
}

/** The first level-1 heading outside code (a shell comment `# install` in a code block is none). */
function firstHeading(text: string): string | undefined {
  const code = findCodeRanges(text);
  for (const match of text.matchAll(/^# +(.+?)[ \t#]*$/gm)) {
    if (!code.some(([start, end]) => match.index >= start && match.index < end)) return match[1]?.trim();
  }
  return undefined;
}

/**
 * Reads an Obsidian-style note: front matter (YAML), tags, aliases and links, and the text to store.
 * Invalid front matter is a `load_failed` error naming the file, line and column.
 */
export async function parseNote({ text, file }: NoteInput): Promise<ParsedNote> {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const { data, body } = await splitFrontMatter(source, file);
  const tags = [...frontMatterList(data.tags, /[,\s]+/), ...frontMatterList(data.tag, /[,\s]+/)].map((tag) =>
    tag.replace(/^#/, ''),
  );
  const aliases = [...frontMatterList(data.aliases, /,/), ...frontMatterList(data.alias, /,/)];
  const links: string[] = [];
  let rendered = '';
  let offset = 0;
  for (const [start, end] of findCodeRanges(body)) {
    rendered += renderProse(body.slice(offset, start), atLineStart(body, offset), tags, links);
    rendered += body.slice(start, end);
    offset = end;
  }
  rendered += renderProse(body.slice(offset), atLineStart(body, offset), tags, links);
  const stored = rendered.trim();
  const property = typeof data.title === 'string' ? data.title.trim() : '';
  const heading = firstHeading(stored);
  return {
    title: property || heading || basename(file, extname(file)),
    text: stored,
    tags: uniqueIgnoringCase(tags.filter((tag) => tag.length > 0)),
    links: [...new Set(links.filter((link) => link.length > 0))],
    aliases: [...new Set(aliases)],
    properties: data,
  };
}
