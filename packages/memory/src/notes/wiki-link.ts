import { extname } from 'node:path';

/** One `[[...]]` of a note: `[[folder/Note#Heading|alias]]`, or `![[...]]` when it embeds. */
export interface WikiLink {
  /** The linked note or file as written, without `.md`, heading or alias; '' for `[[#Heading]]`. */
  target: string;
  /** `Heading` of `[[Note#Heading]]` (or `^block` of a block link); null when none. */
  heading: string | null;
  alias: string | null;
  embed: boolean;
  /** An embedded or linked file that is not a note (`image.png`, `report.pdf`). */
  attachment: boolean;
}

const noteExtensions = new Set(['', '.md', '.markdown']);

/** Reads the inside of `[[...]]` (`embed` for `![[...]]`). */
export function parseWikiLink(inside: string, embed: boolean): WikiLink {
  // In a table the alias bar is escaped: [[Note\|alias]].
  const unescaped = inside.replace(/\\\|/g, '|');
  const bar = unescaped.indexOf('|');
  const reference = bar < 0 ? unescaped : unescaped.slice(0, bar);
  const alias = bar < 0 ? null : unescaped.slice(bar + 1).trim() || null;
  const hash = reference.indexOf('#');
  const path = (hash < 0 ? reference : reference.slice(0, hash)).trim();
  const heading =
    hash < 0
      ? null
      : reference
          .slice(hash + 1)
          .replace(/#/g, ' > ')
          .trim() || null;
  const extension = extname(path).toLowerCase();
  return {
    target: extension === '.md' || extension === '.markdown' ? path.slice(0, -extension.length) : path,
    heading,
    alias,
    embed,
    attachment: !noteExtensions.has(extension),
  };
}

/**
 * What a link reads as in the stored text: its alias, else the note's name (without its folder)
 * and heading, `Note > Heading`, as Obsidian shows it. An embedded attachment reads as nothing.
 */
export function renderWikiLink(link: WikiLink): string {
  if (link.embed && link.attachment) return '';
  if (link.alias) return link.alias;
  const name = link.target.split('/').at(-1) ?? link.target;
  if (!link.heading) return name;
  return name ? `${name} > ${link.heading}` : link.heading;
}
