// `library-brain <args>` as a user runs it: a real process on the sources, in a given KLODY_HOME, with
// no gateway unless the environment names one.
import { spawnSync } from 'node:child_process';
import { repositoryRoot, sourceArguments } from '@klody/test-helpers';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runLibraryBrain(
  home: string,
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): CommandResult {
  const result = spawnSync(process.execPath, sourceArguments('apps/library-brain/src/cli.ts', args), {
    cwd: repositoryRoot(),
    env: { ...process.env, KLODY_HOME: home, KLODY_GATEWAY_URL: 'none', ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
