import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface LineReader {
  /** Writes the prompt and waits for the next line; null once the input has ended (Ctrl-D). */
  next(prompt: string): Promise<string | null>;
  /** Called on Ctrl-C in a terminal (instead of the process exiting). */
  onInterrupt(handler: () => void): void;
  close(): void;
}

/**
 * Lines from the terminal or a pipe, one at a time. Lines typed (or piped) while the agent works wait
 * in order for the next question, so a script can feed a whole conversation at once.
 */
export function createLineReader(input: Readable, output: Writable): LineReader {
  const terminal = (input as { isTTY?: boolean }).isTTY === true;
  const lines = createInterface({ input, output: terminal ? output : undefined, terminal });
  const queued: string[] = [];
  const waiting: ((line: string | null) => void)[] = [];
  let ended = false;
  let interrupt: (() => void) | null = null;
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else queued.push(line);
  });
  lines.on('close', () => {
    ended = true;
    for (const next of waiting.splice(0)) next(null);
  });
  lines.on('SIGINT', () => {
    if (interrupt) interrupt();
    else lines.close();
  });
  return {
    next(prompt) {
      output.write(prompt);
      const line = queued.shift();
      if (line !== undefined) {
        // A piped answer is not echoed by a terminal: show it after its question.
        if (!terminal) output.write(`${line}\n`);
        return Promise.resolve(line);
      }
      if (ended) {
        output.write('\n');
        return Promise.resolve(null);
      }
      return new Promise((resolve) =>
        waiting.push((next) => {
          if (!terminal) output.write(next === null ? '\n' : `${next}\n`);
          resolve(next);
        }),
      );
    },
    onInterrupt(handler) {
      interrupt = handler;
    },
    close() {
      lines.close();
    },
  };
}
