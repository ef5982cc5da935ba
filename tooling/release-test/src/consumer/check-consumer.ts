import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { ProcessReaper } from '@klody/test-helpers';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { type CommandResult, runCommand } from '../commands/index.js';
import type { ConsumerProject } from './consumer-project.js';

/** One retrieved chunk as the consumer program prints it. */
export interface PrintedChunk {
  uri: string;
  text: string;
  offsetsHold: boolean;
  ranks: { lexical: number | null; vector: number | null };
}

/** The JSON line the consumer program prints. */
export interface ConsumerOutput {
  migration: { from: number; to: number };
  ingested: { added: number; chunks: number; unchangedOnRerun: number };
  hybrid: PrintedChunk[];
  lexical: PrintedChunk[];
  worker: PrintedChunk[];
}

export interface ConsumerCheck {
  /** publint's errors and warnings about the installed package (exports targets that do not exist…). */
  lint: string[];
  /** `tsc --noEmit`: the program against the installed declarations, strict, nodenext. */
  typecheck: CommandResult;
  /** The program run with node after a plain emit (`--noCheck`, so it runs even when types are broken). */
  run: CommandResult;
  /** The printed JSON, when the run succeeded. */
  output: ConsumerOutput | null;
}

/** Lints the installed package, type-checks the consumer program in `programFolder`, then runs it. */
export async function checkConsumer(
  reaper: ProcessReaper,
  project: ConsumerProject,
  programFolder: string,
  packageName: string,
): Promise<ConsumerCheck> {
  const packageFolder = join(project.folder, 'node_modules', packageName);
  // pack: false: an installed package holds exactly the files that were published.
  const linted = await publint({ pkgDir: packageFolder, level: 'warning', pack: false });
  const manifest = JSON.parse(readFileSync(join(packageFolder, 'package.json'), 'utf8'));
  // formatMessage colours its text whenever CI is set (picocolors): compare plain text.
  const lint = linted.messages.map(
    (message) =>
      `${message.type} ${message.code}: ${stripVTControlCharacters(formatMessage(message, manifest) ?? '')}`,
  );

  const tsc = join(project.folder, 'node_modules', 'typescript', 'bin', 'tsc');
  const options = { cwd: programFolder, env: project.env, timeoutMs: 120_000 };
  const typecheck = await runCommand(reaper, process.execPath, [tsc, '--noEmit', '-p', '.'], options);
  const emit = await runCommand(reaper, process.execPath, [tsc, '--noCheck', '-p', '.'], options);
  if (emit.code !== 0) throw new Error(`tsc could not even emit the consumer program: ${emit.output}`);
  const run = await runCommand(reaper, process.execPath, [join('dist', 'main.js')], options);
  const lastLine = run.stdout.trim().split('\n').at(-1) ?? '';
  const output = run.code === 0 ? (JSON.parse(lastLine) as ConsumerOutput) : null;
  return { lint, typecheck, run, output };
}
