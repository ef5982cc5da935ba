// A program of the install (python, pip), run to completion: its output comes back for parsing, or,
// with `show`, goes to ours so that people see pip's progress.
import { spawnSync } from 'node:child_process';
import { ModelInstallError } from './model-install-error.js';

export interface RunCommandOptions {
  env?: NodeJS.ProcessEnv;
  /** Pass the program's output through to ours instead of capturing it. */
  show?: boolean;
}

/** The program's stdout; a ModelInstallError with the tail of its output when it fails. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): string {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: options.env ?? process.env,
    // pip's own progress goes to our stderr; results we parse come back on stdout.
    stdio: ['ignore', options.show ? 'inherit' : 'pipe', options.show ? 'inherit' : 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error) throw new ModelInstallError(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new ModelInstallError(
      `${command} ${args.slice(0, 3).join(' ')} failed (exit ${result.status})\n${output}`,
    );
  }
  return result.stdout ?? '';
}
