/**
 * A client-supplied string quoted in an error message, cut to `maxLength` characters: an error must
 * not echo a 100 KB model name back (nor fill the log with it).
 */
export function quoteForMessage(text: string, maxLength = 80): string {
  const quoted = JSON.stringify(text.length > maxLength ? text.slice(0, maxLength) : text);
  return text.length > maxLength ? `${quoted}… (${text.length} characters)` : quoted;
}
