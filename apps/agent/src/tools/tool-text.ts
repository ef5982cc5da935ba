// Tool outputs are read by a small model with a small context: each is cut to a budget, and says so
// when it is cut, so that the model never takes a part for the whole.

/** `text` cut to at most `limit` characters (on a word boundary when one is near), with a note when cut. */
export function capText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const space = cut.lastIndexOf(' ');
  const kept = space > limit * 0.8 ? cut.slice(0, space) : cut;
  return `${kept.trimEnd()}… [truncated: ${text.length - kept.length} more characters]`;
}

/** Lines joined until the budget is spent; the lines left out are counted in a last line. */
export function joinLinesWithin(lines: readonly string[], limit: number): string {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = line.length + (kept.length > 0 ? 1 : 0);
    if (used + cost > limit && kept.length > 0) {
      const left = lines.length - kept.length;
      kept.push(`[truncated: ${left} more ${left === 1 ? 'entry' : 'entries'} left out]`);
      return kept.join('\n');
    }
    kept.push(line.length > limit ? capText(line, limit) : line);
    used += cost;
  }
  return kept.join('\n');
}

/** White space runs (new lines included) as one space: a passage on one line reads better in a list. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
