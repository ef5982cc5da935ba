import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessReaper } from '@klody/test-helpers';
import { type CommandLine, type CommandResult, runCommand } from '../commands/index.js';

/**
 * Two ways a release goes wrong without any test of the sources noticing:
 * - `types`: the declarations lose an export the JavaScript still has (`createIngester`);
 * - `exports`: the exports map names files the build no longer writes (`.mjs`/`.d.mts`, as after a
 *   change of build tool or output extension).
 */
export type Breakage = 'types' | 'exports';

export interface PublishBrokenCopyOptions {
  reaper: ProcessReaper;
  pnpm: CommandLine;
  /** The installed, published package to copy (`node_modules/@klody/memory`). */
  installedFolder: string;
  /** Where the copy is made. */
  folder: string;
  /** The copy's package name, e.g. `@klody/memory-broken-types`. */
  name: string;
  breakage: Breakage;
  registryUrl: string;
  env: NodeJS.ProcessEnv;
}

function breakTypes(folder: string): void {
  const path = join(folder, 'dist', 'index.d.ts');
  const declarations = readFileSync(path, 'utf8');
  // Only the final `export { … }` list loses the name; the declaration itself stays.
  const exportList = /export \{[^}]*\};\s*$/.exec(declarations);
  if (!exportList || !/\bcreateIngester,\s*/.test(exportList[0])) {
    throw new Error(`${path} has no final export list naming createIngester: the breakage needs updating`);
  }
  const broken = exportList[0].replace(/\bcreateIngester,\s*/, '');
  writeFileSync(path, declarations.slice(0, exportList.index) + broken);
}

function breakExports(manifest: { exports: Record<string, unknown> }): void {
  for (const target of Object.values(manifest.exports)) {
    if (typeof target !== 'object' || target === null) continue;
    const conditions = target as Record<string, string>;
    if (conditions.types) conditions.types = conditions.types.replace(/\.d\.ts$/, '.d.mts');
    if (conditions.import) conditions.import = conditions.import.replace(/\.js$/, '.mjs');
  }
}

/** Copies the published package under another name, breaks it as asked, and publishes the copy. */
export function publishBrokenCopy(options: PublishBrokenCopyOptions): Promise<CommandResult> {
  cpSync(options.installedFolder, options.folder, {
    recursive: true,
    filter: (source) => !source.includes(`${options.installedFolder}/node_modules`),
  });
  const manifestPath = join(options.folder, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.name = options.name;
  // Two packages cannot both install the `klody-eval` command into one project.
  delete manifest.bin;
  if (options.breakage === 'exports') breakExports(manifest);
  else breakTypes(options.folder);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return runCommand(
    options.reaper,
    options.pnpm.command,
    [
      ...options.pnpm.prefix,
      'publish',
      options.folder,
      '--no-git-checks',
      '--access',
      'public',
      '--registry',
      options.registryUrl,
    ],
    { cwd: options.folder, env: options.env, timeoutMs: 120_000 },
  );
}
