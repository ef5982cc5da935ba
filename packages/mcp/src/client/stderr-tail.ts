/** The last lines a server wrote to stderr: kept for error messages, never printed to our own output. */
export interface StderrTail {
  push(chunk: Buffer | string): void;
  /** The last complete lines, oldest first, and the line still being written if any. */
  lines(): string[];
}

/**
 * Keeps at most `maxLines` lines of at most `maxLineLength` characters each: a server that writes
 * megabytes to stderr (a debug log) costs us a few kilobytes.
 */
export function createStderrTail(maxLines = 20, maxLineLength = 500): StderrTail {
  const kept: string[] = [];
  let partial = '';
  const keep = (line: string) => {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed.trim() === '') return;
    kept.push(trimmed.length > maxLineLength ? `${trimmed.slice(0, maxLineLength)}…` : trimmed);
    if (kept.length > maxLines) kept.splice(0, kept.length - maxLines);
  };
  return {
    push(chunk) {
      const text = partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      // A line that never ends (a progress bar) must not grow without bound either.
      if (partial.length > maxLineLength * 4) partial = partial.slice(-maxLineLength);
      for (const line of parts) keep(line);
    },
    lines() {
      const last = partial.trim() === '' ? [] : [partial.slice(0, maxLineLength)];
      return [...kept, ...last].slice(-maxLines);
    },
  };
}
