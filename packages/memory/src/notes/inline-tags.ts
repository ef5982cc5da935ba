// Obsidian's tag syntax: `#` at the start of a line or after a space, then letters, digits, `_`,
// `-` or `/` (nested tags), with at least one character that is not a digit (`#2024` is no tag).
// A heading's `#` is followed by a space, a URL's `#anchor` follows a letter or `/`, so neither
// matches.
const tagPattern = /(?<=^|\s)#([\p{L}\p{M}\p{N}_\-/]+)/gu;

/** The inline tags of a stretch of prose (no code in it), without `#`, in order of appearance. */
export function findInlineTags(prose: string): string[] {
  const tags: string[] = [];
  for (const match of prose.matchAll(tagPattern)) {
    const tag = (match[1] ?? '').replace(/^\/+|\/+$/g, '');
    if (tag && !/^[\p{N}/]+$/u.test(tag)) tags.push(tag);
  }
  return tags;
}
