import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessReaper } from '@klody/test-helpers';
import { type CommandResult, runCommand } from '../commands/index.js';

const fixtures = new URL('../../fixtures/consumer/', import.meta.url);

export interface ConsumerProject {
  folder: string;
  /** The environment every npm, tsc and node command of the project runs with. */
  env: NodeJS.ProcessEnv;
}

export interface CreateConsumerProjectOptions {
  folder: string;
  env: NodeJS.ProcessEnv;
  /** Where `@klody/*` comes from (the throwaway registry). */
  scopeRegistry: string;
  /** Where everything else comes from: the machine's own default registry. */
  defaultRegistry: string;
}

/**
 * The machine's default registry as npm sees it, read from a folder with no project `.npmrc` so that
 * only the user's and the global configuration count.
 */
export async function readDefaultRegistry(
  reaper: ProcessReaper,
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<string> {
  const result = await runCommand(reaper, 'npm', ['config', 'get', 'registry'], {
    ...options,
    timeoutMs: 30_000,
  });
  const registry = result.stdout.trim();
  if (result.code !== 0 || !/^https?:\/\//.test(registry)) {
    throw new Error(`npm config get registry gave no registry URL (exit ${result.code}): ${result.output}`);
  }
  return registry;
}

/** A fresh npm project whose `.npmrc` sends the `@klody` scope to `scopeRegistry` and the rest to the default. */
export function createConsumerProject(options: CreateConsumerProjectOptions): ConsumerProject {
  mkdirSync(options.folder, { recursive: true });
  const manifest = {
    name: 'klody-release-consumer',
    version: '0.0.0',
    private: true,
    type: 'module',
    // npm 11 asks projects to approve dependencies' install scripts: better-sqlite3 compiles its
    // addon; onnxruntime-node's postinstall would download CUDA binaries (its CPU binary ships inside).
    allowScripts: { 'better-sqlite3': true, 'onnxruntime-node': false },
  };
  writeFileSync(join(options.folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(options.folder, '.npmrc'),
    [`@klody:registry=${options.scopeRegistry}`, `registry=${options.defaultRegistry}`, ''].join('\n'),
  );
  return { folder: options.folder, env: options.env };
}

/** `npm install` of the given specs into the project (no audit, no funding messages). */
export function npmInstall(
  reaper: ProcessReaper,
  project: ConsumerProject,
  specs: readonly string[],
  timeoutMs: number,
): Promise<CommandResult> {
  return runCommand(reaper, 'npm', ['install', '--no-audit', '--no-fund', '--no-progress', ...specs], {
    cwd: project.folder,
    env: project.env,
    timeoutMs,
  });
}

/**
 * Copies the consumer program into `<project>/<name>/src`, importing `packageName` instead of
 * `@klody/memory` (the broken copies are published under other names), with its tsconfig.
 */
export function addConsumerProgram(project: ConsumerProject, name: string, packageName: string): string {
  const folder = join(project.folder, name);
  mkdirSync(join(folder, 'src'), { recursive: true });
  cpSync(new URL('tsconfig.json', fixtures), join(folder, 'tsconfig.json'));
  for (const file of ['main.ts', 'read-only-connection.ts']) {
    const text = readFileSync(new URL(file, fixtures), 'utf8').replaceAll(
      "from '@klody/memory",
      `from '${packageName}`,
    );
    writeFileSync(join(folder, 'src', file), text);
  }
  return folder;
}
