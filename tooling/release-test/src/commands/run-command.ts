import type { ProcessReaper } from '@klody/test-helpers';

export interface RunCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Past this, the command is stopped (with its children) and the result says it timed out. */
  timeoutMs: number;
}

export interface CommandResult {
  /** The command line, for messages. */
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  seconds: number;
}

/**
 * Runs a command to its end through `reaper`, so that a test that fails or times out never leaves it
 * (or the processes it started: npm's node-gyp, turbo's tsup) running.
 */
export async function runCommand(
  reaper: ProcessReaper,
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const started = performance.now();
  const child = reaper.spawn(command, args, { cwd: options.cwd, env: options.env });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void child.stop();
  }, options.timeoutMs);
  try {
    const exit = await child.exited;
    return {
      command: [command, ...args].join(' '),
      code: exit.code,
      signal: exit.signal,
      timedOut,
      stdout: child.stdout(),
      stderr: child.stderr(),
      output: child.output(),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A failure message naming the command, how it ended and the end of its output. */
export function describeResult(result: CommandResult, tailCharacters = 6_000): string {
  const ending = result.timedOut
    ? 'timed out'
    : result.signal
      ? `was killed by ${result.signal}`
      : `exited with ${result.code}`;
  const tail =
    result.output.length > tailCharacters ? `…${result.output.slice(-tailCharacters)}` : result.output;
  return `${result.command} ${ending} after ${result.seconds.toFixed(1)} s; its output:\n${tail}`;
}
