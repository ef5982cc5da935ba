import { expect, it } from 'vitest';
import { parseCommandLine } from './parse-command-line.js';

// A fake program: what commander's parseAsync throws under exitOverride(), by shape.
function fakeProgram(thrown: unknown) {
  return {
    async parseAsync() {
      if (thrown) throw thrown;
    },
  };
}

function commanderError(code: string, exitCode: number, message: string) {
  return Object.assign(new Error(message), { code, exitCode });
}

it('gives null when the command ran, 0 for --help, and 2 for a usage error', async () => {
  const written: string[] = [];
  const stdout = { write: (text: string) => written.push(text) };
  expect(await parseCommandLine(fakeProgram(null), ['node', 'cli', 'ask'], stdout)).toBeNull();
  expect(
    await parseCommandLine(
      fakeProgram(commanderError('commander.helpDisplayed', 0, '(outputHelp)')),
      ['node', 'cli', '--help'],
      stdout,
    ),
  ).toBe(0);
  expect(
    await parseCommandLine(
      fakeProgram(commanderError('commander.unknownOption', 1, "error: unknown option '--nope'")),
      ['node', 'cli', '--nope'],
      stdout,
    ),
  ).toBe(2);
  expect(written).toEqual([]);
});

it('prints a usage error as the one JSON line of --json', async () => {
  const written: string[] = [];
  const code = await parseCommandLine(
    fakeProgram(commanderError('commander.unknownOption', 1, "error: unknown option '--nope'")),
    ['node', 'cli', 'ask', '--json', '--nope'],
    { write: (text: string) => written.push(text) },
  );
  expect(code).toBe(2);
  expect(written).toEqual([
    `${JSON.stringify({ error: { code: 'invalid_usage', message: "unknown option '--nope'" } })}\n`,
  ]);
});

it('rethrows what is not a usage error', async () => {
  await expect(parseCommandLine(fakeProgram(new Error('database locked')), ['node', 'cli'])).rejects.toThrow(
    'database locked',
  );
});
