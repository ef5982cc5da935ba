/**
 * Fixes the JSON slips small models make in tool arguments, or returns null when the text is not
 * close to JSON: a code fence around it, text around the object, single-quoted strings, unquoted keys,
 * trailing commas, Python's True/False/None. It never invents content: a fix only changes quoting and
 * punctuation, so what the model meant is what is parsed.
 */
export function repairJsonText(text: string): unknown {
  let body = text.trim();
  const fenced = /^```[a-zA-Z]*\s*\n?([\s\S]*?)\n?```$/.exec(body);
  if (fenced?.[1] !== undefined) body = fenced[1].trim();
  const start = body.search(/[{[]/);
  if (start < 0) return null;
  const end = Math.max(body.lastIndexOf('}'), body.lastIndexOf(']'));
  if (end < start) return null;
  body = body.slice(start, end + 1);
  const normalised = normalise(body);
  if (normalised === null) return null;
  try {
    return JSON.parse(normalised) as unknown;
  } catch {
    return null;
  }
}

const pythonLiterals: Record<string, string> = { True: 'true', False: 'false', None: 'null' };

/** One pass over the text, tracking strings, so that nothing inside a string is touched. */
function normalise(text: string): string | null {
  let output = '';
  let index = 0;
  while (index < text.length) {
    const character = text[index] as string;
    if (character === '"' || character === "'") {
      const read = readString(text, index, character);
      if (read === null) return null;
      output += JSON.stringify(read.value);
      index = read.next;
      continue;
    }
    if (/[A-Za-z_$]/.test(character)) {
      const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(index))?.[0] ?? character;
      const after = text.slice(index + word.length).trimStart();
      if (after.startsWith(':')) output += JSON.stringify(word);
      else output += pythonLiterals[word] ?? word;
      index += word.length;
      continue;
    }
    if (character === ',') {
      // A trailing comma: the next meaningful character closes the object or array.
      const rest = text.slice(index + 1).trimStart();
      if (rest.startsWith('}') || rest.startsWith(']')) {
        index++;
        continue;
      }
    }
    output += character;
    index++;
  }
  return output;
}

function readString(text: string, start: number, quote: string): { value: string; next: number } | null {
  let value = '';
  let index = start + 1;
  while (index < text.length) {
    const character = text[index] as string;
    if (character === '\\') {
      const escaped = text[index + 1];
      if (escaped === undefined) return null;
      if (escaped === quote || escaped === "'" || escaped === '"') value += escaped;
      else {
        try {
          // The JSON escapes (\n, \t, \uXXXX) mean the same in both quotings.
          value += JSON.parse(
            `"\\${escaped === 'u' ? text.slice(index + 1, index + 6) : escaped}"`,
          ) as string;
        } catch {
          return null;
        }
        if (escaped === 'u') index += 4;
      }
      index += 2;
      continue;
    }
    if (character === quote) return { value, next: index + 1 };
    value += character;
    index++;
  }
  return null;
}
