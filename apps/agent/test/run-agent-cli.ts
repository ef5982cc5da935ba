// Runs `pnpm agent …` as a user does (node with tsx on the sources, from the repository root), without
// blocking the test's event loop: the scripted gateway the CLI talks to lives in the test process.
import { spawn } from 'node:child_process';
import { repositoryRoot } from '@klody/test-helpers';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runAgentCli(
  args: string[],
  env: Record<string, string>,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    ['--conditions=@klody/source', '--import', 'tsx', 'apps/agent/src/cli.ts', ...args],
    { cwd: repositoryRoot(), env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `--json`: stdout is exactly one line of JSON. */
export function onlyJsonLine(stdout: string): unknown {
  const lines = stdout.trimEnd().split('\n');
  if (lines.length !== 1) throw new Error(`expected one line on stdout, got ${lines.length}:\n${stdout}`);
  return JSON.parse(lines[0] ?? '');
}
