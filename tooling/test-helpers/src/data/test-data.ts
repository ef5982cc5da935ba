import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The repository root: the nearest folder above `from` that holds `pnpm-workspace.yaml`.
 * Tests run from a package folder (vitest projects) or from the root, so the cwd alone is not enough.
 */
export function repositoryRoot(from: string = process.cwd()): string {
  let folder = resolve(from);
  for (;;) {
    if (existsSync(join(folder, 'pnpm-workspace.yaml'))) return folder;
    const parent = dirname(folder);
    if (parent === folder)
      throw new Error(`no pnpm-workspace.yaml above ${from}: not inside the Klody repository`);
    folder = parent;
  }
}

/**
 * The shared test data folder: `KLODY_TEST_DATA` when set (relative to the repository root), else
 * `../shared/data` beside the repository root (CONTRACTS.md).
 */
export function testDataDir(env: NodeJS.ProcessEnv = process.env, from?: string): string {
  const root = repositoryRoot(from);
  const configured = env.KLODY_TEST_DATA;
  if (configured && configured.length > 0) {
    return isAbsolute(configured) ? configured : resolve(root, configured);
  }
  return resolve(root, '..', 'shared', 'data');
}

/** A path inside the shared test data folder, e.g. `testDataPath('models', 'stories260K.gguf')`. */
export function testDataPath(...segments: string[]): string {
  return join(testDataDir(), ...segments);
}
