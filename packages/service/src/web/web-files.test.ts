import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { webFiles } from './web-files.js';

it('reads from the first folder that holds index.html, and says when none does', () => {
  const root = mkdtempSync(join(tmpdir(), 'klody-web-files-'));
  const built = join(root, 'dist-web');
  mkdirSync(built);
  writeFileSync(join(built, 'index.html'), '<h1>page</h1>');
  const candidates = [pathToFileURL(`${join(root, 'missing')}/`), pathToFileURL(`${built}/`)];
  expect(webFiles(candidates).read('index.html')).toBe('<h1>page</h1>');
  expect(() => webFiles(candidates.slice(0, 1)).read('index.html')).toThrow(/web page files/);
});

it('has tells the page files apart from names that leave the folder', () => {
  const folder = mkdtempSync(join(tmpdir(), 'klody-web-has-'));
  writeFileSync(join(folder, 'index.html'), '<h1>page</h1>');
  writeFileSync(join(folder, 'books.js'), 'export {};');
  const files = webFiles([pathToFileURL(`${folder}/`)]);
  expect(files.has('books.js')).toBe(true);
  expect(files.has('missing.js')).toBe(false);
  expect(files.has('../books.js')).toBe(false);
  expect(files.has('.hidden.js')).toBe(false);
});
