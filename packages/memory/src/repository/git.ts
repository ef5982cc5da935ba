import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MemoryError } from '../errors/index.js';

const run = promisify(execFile);

/**
 * Runs git without a shell (arguments are never interpreted) and returns its standard output. Large
 * repositories list megabytes of paths: the buffer is sized for them.
 */
export async function runGit(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('git', [...args], { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new MemoryError('load_failed', `git ${args.join(' ')} failed in ${cwd}: ${detail}`, {
      cause: error,
    });
  }
}

/** The top folder of the git work tree holding `folder`, or null outside git (or without git). */
export async function findGitRepository(folder: string): Promise<string | null> {
  try {
    const top = (await runGit(folder, ['rev-parse', '--show-toplevel'])).trim();
    return top.length > 0 ? top : null;
  } catch {
    return null;
  }
}

/** The commit HEAD points at (full sha), or null in a repository without commits. */
export async function headCommit(top: string): Promise<string | null> {
  try {
    const commit = (await runGit(top, ['rev-parse', '--verify', '--quiet', 'HEAD'])).trim();
    return /^[0-9a-f]{40,64}$/.test(commit) ? commit : null;
  } catch {
    return null;
  }
}

/** Splits git's `-z` output (NUL-terminated records). */
export function splitRecords(output: string): string[] {
  return output.split('\0').filter((record) => record.length > 0);
}
