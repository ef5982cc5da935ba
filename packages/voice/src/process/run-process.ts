import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { VoiceError } from '../errors/index.js';

export interface RunProcessOptions {
  /** Bytes or text written to stdin, then stdin is closed. */
  input?: Uint8Array | string;
  signal?: AbortSignal;
  /** Kill the process after this long (default 5 minutes). */
  timeoutMs?: number;
  /** Engine id used in error messages. */
  engine: string;
  /** How to install the tool, appended to "not installed" errors. */
  installHint?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ProcessResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

/**
 * Runs a tool to completion and collects its output. A missing executable is `engine_unavailable`
 * (with how to install it), a non-zero exit is `engine_failed` with the tool's own stderr.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new VoiceError('aborted', `${options.engine}: cancelled before it started`));
      return;
    }
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    const timeoutMs = options.timeoutMs ?? 300_000;
    const finish = (error: VoiceError | null, exitCode = 0) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else
        resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8'), exitCode });
    };
    const onAbort = () => {
      child.kill('SIGKILL');
      finish(new VoiceError('aborted', `${options.engine}: cancelled`));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(
        new VoiceError(
          'engine_failed',
          `${options.engine}: ${command} did not finish within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        const hint = options.installHint ? ` (${options.installHint})` : '';
        finish(
          new VoiceError(
            'engine_unavailable',
            `${options.engine}: ${command} is not installed or not on PATH${hint}`,
            { cause: error },
          ),
        );
      } else {
        finish(
          new VoiceError('engine_failed', `${options.engine}: could not run ${command}: ${error.message}`, {
            cause: error,
          }),
        );
      }
    });
    child.on('close', (code, signalName) => {
      if (code === 0) {
        finish(null, 0);
        return;
      }
      const detail = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-5).join(' | ');
      finish(
        new VoiceError(
          'engine_failed',
          `${options.engine}: ${command} exited with ${code ?? signalName}${detail ? `: ${detail}` : ''}`,
        ),
        code ?? 1,
      );
    });
    // A tool that exits before reading its stdin must not crash us with EPIPE.
    child.stdin.on('error', () => {});
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** The full path of an executable on PATH (or the absolute path given), or null. */
export function findExecutable(
  name: string,
  pathVariable: string | undefined = process.env.PATH,
): string | null {
  const usable = (path: string) => {
    try {
      if (!statSync(path).isFile()) return false;
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (isAbsolute(name) || name.includes('/')) return usable(name) ? name : null;
  for (const folder of (pathVariable ?? '').split(delimiter)) {
    if (folder && usable(join(folder, name))) return join(folder, name);
  }
  return null;
}
