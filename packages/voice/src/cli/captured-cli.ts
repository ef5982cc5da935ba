// For tests: runs the CLI in-process and keeps what it wrote, instead of writing to the terminal.
import { runCli } from './cli.js';

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCapturedCli(
  argv: readonly string[],
  { env, cwd }: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    cwd,
  });
  return { code, stdout, stderr };
}
