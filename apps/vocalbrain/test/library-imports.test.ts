// The proof that @klody/memory is generic (issue 14): VocalBrain's library recalls tracks through
// @klody/memory alone, with no import of Library Brain anywhere in the app.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '@klody/test-helpers';
import { expect, it } from 'vitest';

const app = join(repositoryRoot(), 'apps', 'vocalbrain');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|js|mts)$/.test(entry.name) ? [path] : [];
  });
}

it('imports @klody/memory and never Library Brain', () => {
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  expect(Object.keys(manifest.dependencies)).toContain('@klody/memory');
  expect(Object.keys(manifest.dependencies).filter((name) => name.includes('library-brain'))).toEqual([]);
  const files = [...sourceFiles(join(app, 'src')), ...sourceFiles(join(app, 'web'))];
  expect(files.length).toBeGreaterThan(10);
  const offenders = files.filter((file) =>
    /from\s+['"][^'"]*library-brain[^'"]*['"]|import\(\s*['"][^'"]*library-brain/.test(
      readFileSync(file, 'utf8'),
    ),
  );
  expect(offenders).toEqual([]);
  const library = sourceFiles(join(app, 'src', 'library')).map((file) => readFileSync(file, 'utf8'));
  expect(library.some((text) => text.includes("from '@klody/memory'"))).toBe(true);
});
