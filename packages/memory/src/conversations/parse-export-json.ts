import { MemoryError } from '../errors/index.js';

/** Line and column (both 1-based) of a UTF-16 offset in a text, for error messages a person can follow. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < offset;
    index = text.indexOf('\n', index + 1)
  ) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const whitespace = new Set([' ', '\t', '\n', '\r']);

/**
 * The offset of the first JSON syntax error in a text (its length when the text stops too early), or
 * -1 when it is valid. `JSON.parse` only sometimes says where it stopped ("Unexpected end of JSON
 * input" names no place, and the wording changes between V8 versions), so the place is found again
 * by this small scanner, run only after a failed parse.
 */
export function findJsonSyntaxError(text: string): number {
  let position = 0;
  const fail = (at: number) => {
    throw at;
  };
  const skip = () => {
    while (position < text.length && whitespace.has(text[position] as string)) position++;
  };
  const literal = (word: string) => {
    for (const character of word) {
      if (text[position] !== character) fail(position);
      position++;
    }
  };
  const string = () => {
    position++; // the opening quote
    while (position < text.length) {
      const character = text[position] as string;
      if (character === '"') {
        position++;
        return;
      }
      if (character === '\\') {
        const escaped = text[position + 1];
        if (escaped === undefined) fail(text.length);
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(position + 2, position + 6))) fail(position);
          position += 6;
        } else if ('"\\/bfnrt'.includes(escaped as string)) position += 2;
        else fail(position);
        continue;
      }
      if (character < ' ') fail(position);
      position++;
    }
    fail(text.length);
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(position, position + 400));
    if (!match || match[0].length === 0) fail(position);
    position += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    skip();
    const character = text[position];
    if (character === undefined) fail(text.length);
    else if (character === '{') {
      position++;
      skip();
      if (text[position] === '}') {
        position++;
        return;
      }
      for (;;) {
        skip();
        if (text[position] !== '"') fail(Math.min(position, text.length));
        string();
        skip();
        if (text[position] !== ':') fail(Math.min(position, text.length));
        position++;
        value();
        skip();
        if (text[position] === ',') position++;
        else if (text[position] === '}') {
          position++;
          return;
        } else fail(Math.min(position, text.length));
      }
    } else if (character === '[') {
      position++;
      skip();
      if (text[position] === ']') {
        position++;
        return;
      }
      for (;;) {
        value();
        skip();
        if (text[position] === ',') position++;
        else if (text[position] === ']') {
          position++;
          return;
        } else fail(Math.min(position, text.length));
      }
    } else if (character === '"') string();
    else if (character === 't') literal('true');
    else if (character === 'f') literal('false');
    else if (character === 'n') literal('null');
    else number();
  };
  try {
    value();
    skip();
    return position < text.length ? position : -1;
  } catch (thrown) {
    if (typeof thrown === 'number') return thrown;
    throw thrown;
  }
}

/**
 * The index of the top-level array element that holds `offset` (the conversation, in an export), or
 * null when the text is not an array or the offset lies outside its elements. ChatGPT writes its
 * whole export on ONE line, where "column 13822863" alone helps nobody.
 */
export function topLevelElementAt(text: string, offset: number): number | null {
  let position = 0;
  while (position < text.length && whitespace.has(text[position] as string)) position++;
  if (text[position] !== '[' || offset <= position) return null;
  let depth = 0;
  let element = 0;
  let inString = false;
  for (; position < offset && position < text.length; position++) {
    const character = text[position];
    if (inString) {
      if (character === '\\') position++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '[' || character === '{') depth++;
    else if (character === ']' || character === '}') depth--;
    else if (character === ',' && depth === 1) element++;
    if (depth === 0) return null;
  }
  return element;
}

/**
 * Parses an export's JSON, or throws `load_failed` naming the file, the line and the column where
 * the text stops being JSON (a truncated download ends at its last line) and, for an array, the
 * index of the element (the conversation) it stopped in.
 */
export function parseExportJson(text: string, file: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch (error) {
    const offset = findJsonSyntaxError(body);
    const { line, column } = lineAndColumn(body, offset < 0 ? body.length : offset);
    const truncated = offset >= body.length ? ' (the file ends too early: truncated?)' : '';
    const element = topLevelElementAt(body, offset < 0 ? body.length : offset);
    const inside = element === null ? '' : `, in conversation ${element}`;
    throw new MemoryError(
      'load_failed',
      `${file}: invalid JSON at line ${line}, column ${column}${inside}${truncated}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
