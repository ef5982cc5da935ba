import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../data/index.js';

/**
 * Where a page test saves its screenshot `name` (a `.png` file name): the repository's `artifacts`
 * folder (ignored by git), made if missing, for a person to look at after the run.
 */
export function screenshotPath(name: string): string {
  const artifacts = join(repositoryRoot(), 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  return join(artifacts, name);
}
