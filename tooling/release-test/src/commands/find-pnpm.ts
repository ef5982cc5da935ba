import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from '@klody/test-helpers';

export interface CommandLine {
  command: string;
  /** Arguments that come before the command's own (the script a `node` command runs). */
  prefix: string[];
}

/**
 * The pnpm a user of this checkout has: the project's own (`npm start`/`npm test` bring it into
 * .tools/pnpm), else one on PATH; null when there is none.
 */
export function findPnpm(root: string, pathVariable = process.env.PATH): CommandLine | null {
  const projectEntry = join(root, '.tools', 'pnpm', 'node_modules', 'pnpm', 'bin', 'pnpm.mjs');
  if (existsSync(projectEntry)) return { command: process.execPath, prefix: [projectEntry] };
  const onPath = findExecutable('pnpm', pathVariable);
  return onPath ? { command: onPath, prefix: [] } : null;
}
