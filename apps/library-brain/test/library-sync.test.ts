import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLibraryBrain } from './support/run-library-brain.js';

const home = mkdtempSync(join(tmpdir(), 'klody-sync-'));
const folder = join(home, 'books');
mkdirSync(join(folder, 'shelf'), { recursive: true });

const libraryBrain = (...args: string[]) => runLibraryBrain(home, args);

function json(stdout: string): Record<string, unknown> {
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as Record<string, unknown>;
}

const titles = () =>
  (json(libraryBrain('books', '--json', '--all').stdout).books as { title: string; path: string }[])
    .map((book) => book.title)
    .sort();

function book(path: string, title: string, sentence: string) {
  writeFileSync(join(folder, path), `${title}\n\n${sentence}\n`);
}

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('library-brain ingest --sync', () => {
  it('adds a folder, then replaces, adds and removes as its files change; a dry run changes nothing', () => {
    book(
      'lighthouse.txt',
      'The Lighthouse',
      'The keeper climbed the tower every night and lit the great lamp.',
    );
    book(
      'orchard.md',
      'The Orchard',
      'Apples ripened in the orchard while the farmer slept under the pear tree.',
    );
    book('shelf/mill.txt', 'The Mill', 'The miller ground the wheat into flour beside the river.');
    const first = libraryBrain('ingest', '--sync', folder, '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(json(first.stdout)).toMatchObject({ added: 3, updated: 0, removed: 0, dryRun: false });
    expect(titles()).toEqual(['The Lighthouse', 'The Mill', 'The Orchard']);

    // Unchanged: nothing to do.
    expect(json(libraryBrain('ingest', '--sync', folder, '--json').stdout)).toMatchObject({
      added: 0,
      updated: 0,
      unchanged: 3,
      removed: 0,
    });

    book('orchard.md', 'The Orchard', 'Pears, not apples, ripened in the orchard this year.');
    rmSync(join(folder, 'shelf', 'mill.txt'));
    book('shelf/bakery.txt', 'The Bakery', 'The baker kneaded the dough before dawn.');

    const dryRun = libraryBrain('ingest', '--sync', folder, '--dry-run', '--json');
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(json(dryRun.stdout)).toMatchObject({
      dryRun: true,
      added: 1,
      updated: 1,
      unchanged: 1,
      removed: 1,
      changes: [
        { action: 'replace', path: join(folder, 'orchard.md') },
        { action: 'add', path: join(folder, 'shelf', 'bakery.txt') },
        { action: 'remove', path: join(folder, 'shelf', 'mill.txt') },
      ],
    });
    // The dry run changed nothing.
    expect(titles()).toEqual(['The Lighthouse', 'The Mill', 'The Orchard']);
    const text = libraryBrain('ingest', '--sync', folder, '--dry-run');
    expect(text.stdout).toMatch(
      /^dry run, nothing changed: 1 to add, 1 to replace, 1 to remove, 1 unchanged/,
    );
    expect(text.stdout).toContain(`remove: ${join(folder, 'shelf', 'mill.txt')}`);

    const synced = libraryBrain('ingest', '--sync', folder, '--json');
    expect(synced.code, synced.stderr).toBe(0);
    expect(json(synced.stdout)).toMatchObject({ added: 1, updated: 1, unchanged: 1, removed: 1 });
    expect(titles()).toEqual(['The Bakery', 'The Lighthouse', 'The Orchard']);
    const search = json(libraryBrain('search', 'pears orchard', '--json').stdout);
    expect((search.results as { text: string }[])[0]?.text).toMatch(/Pears, not apples/);
    expect(JSON.stringify(json(libraryBrain('search', 'miller flour', '--json').stdout))).not.toMatch(
      /miller/,
    );
  });

  it('keeps the books of a folder that holds no book at all (an unmounted disk), and says so', () => {
    const empty = join(home, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'only.txt'), 'The Only Book\n\nA single book about a lonely island.\n');
    expect(json(libraryBrain('ingest', '--sync', empty, '--json').stdout)).toMatchObject({ added: 1 });
    rmSync(join(empty, 'only.txt'));
    const result = json(libraryBrain('ingest', '--sync', empty, '--json').stdout);
    expect(result).toMatchObject({ removed: 0, warning: expect.stringMatching(/holds no book file/) });
    expect(titles()).toContain('The Only Book');
  });

  it('refuses bad usage with exit 2', () => {
    expect(libraryBrain('ingest', '--sync', join(home, 'no-such-folder')).code).toBe(2);
    expect(libraryBrain('ingest', '--sync', folder, folder).code).toBe(2);
    expect(libraryBrain('ingest', '--dry-run', folder).code).toBe(2);
    const nothing = libraryBrain('ingest', '--json');
    expect(nothing.code).toBe(2);
    expect(json(nothing.stdout)).toMatchObject({ error: { code: 'invalid_usage' } });
  });
});
