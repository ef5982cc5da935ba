// Worker output goes to files, never to pipes: a pipe dies with the gateway and the worker's next
// write then kills it (SIGPIPE) or blocks it. Files are rotated by size ("copytruncate": the worker
// keeps its descriptor, opened in append mode, and continues at the start of the emptied file).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';

export interface LogFilesOptions {
  directory: string;
  /** Rotate when a log grows past this size. */
  maxBytes?: number;
  /** Rotated files kept (name.log.1 … name.log.N). */
  keep?: number;
}

export class LogFiles {
  readonly directory: string;
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(options: LogFilesOptions) {
    this.directory = options.directory;
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.keep = options.keep ?? 3;
    mkdirSync(this.directory, { recursive: true });
  }

  pathOf(name: string): string {
    return join(this.directory, `${name}.log`);
  }

  /** A descriptor in append mode for a new process (the caller closes it after spawn). */
  open(name: string): number {
    this.rotateIfLarge(name);
    return openSync(this.pathOf(name), 'a');
  }

  rotateIfLarge(name: string): boolean {
    const path = this.pathOf(name);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return false;
    }
    if (size <= this.maxBytes) return false;
    for (let index = this.keep - 1; index >= 1; index--) {
      if (existsSync(`${path}.${index}`)) renameSync(`${path}.${index}`, `${path}.${index + 1}`);
    }
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    return true;
  }

  /** The last `bytes` of a worker's log, for error messages. */
  tail(name: string, bytes = 2_000): string {
    try {
      const text = readFileSync(this.pathOf(name), 'utf8');
      return text.slice(-bytes);
    } catch {
      return '';
    }
  }
}
