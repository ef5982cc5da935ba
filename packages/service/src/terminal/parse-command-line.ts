/** What commander throws under `exitOverride()`: a usage error, or `--help`/`--version` (exit code 0). */
interface CommandLineExit {
  code: string;
  exitCode: number;
  message: string;
}

function isCommandLineExit(error: unknown): error is CommandLineExit {
  if (!(error instanceof Error)) return false;
  const candidate = error as Partial<CommandLineExit>;
  return (
    typeof candidate.exitCode === 'number' &&
    typeof candidate.code === 'string' &&
    candidate.code.startsWith('commander.')
  );
}

/**
 * Parses a command line with a commander program built with `exitOverride()` (typed by shape, so this
 * package does not depend on commander) and gives the exit code of a usage error (CONTRACTS.md: 2;
 * 0 for `--help` and `--version`), or null when the command ran. With `--json` a usage error is also
 * printed as the one JSON line stdout must carry. Errors of the command itself are rethrown.
 */
export async function parseCommandLine(
  program: { parseAsync(argv: readonly string[]): Promise<unknown> },
  argv: readonly string[] = process.argv,
  stdout: { write(text: string): unknown } = process.stdout,
): Promise<number | null> {
  try {
    await program.parseAsync(argv);
    return null;
  } catch (error) {
    if (!isCommandLineExit(error)) throw error;
    if (error.exitCode === 0) return 0;
    if (argv.includes('--json')) {
      const message = error.message.replace(/^error: /, '');
      stdout.write(`${JSON.stringify({ error: { code: 'invalid_usage', message } })}\n`);
    }
    return 2;
  }
}
