import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { createLexicalRetriever } from '../retriever/hybrid-retriever.js';
import { migrate } from '../store/migrate.js';
import { openDatabaseFile } from '../store/open-database-file.js';
import { getSourceByUri, getSourceText, listSources } from '../store/sources.js';
import { codeCitation, lineRange } from './line-range.js';
import { readCodeCitation } from './read-code-citation.js';
import { listRepositoryFiles } from './repository-files.js';
import { syncRepository } from './sync-repository.js';

const run = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  // A fixed identity and no signing, whatever the machine's git configuration says.
  const { stdout } = await run(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@klody.local', '-c', 'commit.gpgsign=false', ...args],
    { cwd },
  );
  return stdout.trim();
}

const mathSource = [
  "// Strings with accents and an emoji come first, so UTF-16 offsets differ from byte offsets: 'héllo 😀'.",
  "export const greeting = 'héllo wörld 😀, ça va très bien';",
  '',
  '/** Adds two numbers. */',
  'export function add(left: number, right: number): number {',
  '  const sum = left + right;',
  '  // The callers pass integers; nothing to round here.',
  '  return sum;',
  '}',
  '',
  '/** Multiplies numbers by repeated addition, the slow way on purpose. */',
  'export function multiply(left: number, right: number): number {',
  '  let product = 0;',
  '  for (let step = 0; step < right; step++) product = add(product, left);',
  '  return product;',
  '}',
  '',
  'export class Calculator {',
  '  private total = 0;',
  '',
  '  plus(value: number): this {',
  '    this.total = add(this.total, value);',
  '    return this;',
  '  }',
  '',
  '  result(): number {',
  '    return this.total;',
  '  }',
  '}',
  '',
].join('\n');

const pythonSource = [
  'import math',
  '',
  '',
  'def circle_area(radius: float) -> float:',
  '    """The area of a circle of that radius."""',
  '    return math.pi * radius * radius',
  '',
  '',
  'class Inventory:',
  '    """Counts items in the warehouse."""',
  '',
  '    def __init__(self) -> None:',
  '        self.items: dict[str, int] = {}',
  '',
  '    def add_item(self, name: str, count: int) -> None:',
  '        self.items[name] = self.items.get(name, 0) + count',
  '',
].join('\n');

async function write(root: string, path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

/** A small repository: code, text, ignored and vendored files, a binary, a minified bundle. */
async function buildRepository(root: string): Promise<void> {
  await write(root, '.gitignore', 'ignored.log\nsecret/\n');
  await write(root, 'src/math.ts', mathSource);
  await write(root, 'src/nested/.gitignore', '*.generated.ts\n');
  await write(root, 'src/nested/keep.ts', 'export function kept(): string {\n  return "kept";\n}\n');
  await write(root, 'src/nested/skip.generated.ts', 'export const generated = 1;\n');
  await write(root, 'tools/inventory.py', pythonSource);
  await write(root, 'notes/readme.txt', 'The warehouse tools count items and compute areas.\n');
  await write(root, 'ignored.log', 'a log line that git ignores\n');
  await write(root, 'secret/token.ts', 'export const token = "never indexed";\n');
  await write(root, 'node_modules/left-pad/index.js', 'module.exports = function leftPad() {};\n');
  await write(root, 'node_modules/left-pad/package.json', '{"name": "left-pad"}\n');
  await write(root, 'web/app.min.js', 'var a=1;');
  await write(root, 'dist/bundle.js', 'var built = 1;\n');
  await write(root, 'src/bundle.js', `var x=${'1+'.repeat(3_000)}1;\n`);
  await write(root, 'package-lock.json', '{"lockfileVersion": 3}\n');
  await write(root, 'assets/logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
  await write(root, 'data/blob.dat', new Uint8Array(Array.from({ length: 512 }, (_, index) => index % 256)));
}

describe('repositories', () => {
  let folder: string;
  let root: string;
  let database: ReturnType<typeof openDatabaseFile>;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-repository-'));
    root = join(folder, 'project');
    await mkdir(root);
    await buildRepository(root);
    database = openDatabaseFile(join(folder, 'memory.db'));
    await migrate(database);
  });
  afterEach(async () => {
    database.close();
    await rm(folder, { recursive: true, force: true });
  });

  async function commitAll(message: string): Promise<string> {
    await git(root, 'add', '-A');
    await git(root, 'commit', '-q', '-m', message);
    return git(root, 'rev-parse', 'HEAD');
  }

  it('lists what git lists, minus vendored, lock, minified and binary files', async () => {
    await git(root, 'init', '-q');
    const commit = await commitAll('first');
    const listing = await listRepositoryFiles(root);
    expect(listing.commit).toBe(commit);
    expect(listing.files.map((file) => file.path)).toEqual([
      '.gitignore',
      'data/blob.dat',
      'notes/readme.txt',
      'src/bundle.js',
      'src/math.ts',
      'src/nested/.gitignore',
      'src/nested/keep.ts',
      'tools/inventory.py',
    ]);
    expect(listing.files.every((file) => /^[0-9a-f]{40}$/.test(file.blob ?? ''))).toBe(true);
    expect(Object.fromEntries(listing.ignored.map((file) => [file.path, file.reason]))).toEqual({
      'assets/logo.png': 'binary',
      'dist/': 'vendored',
      'web/app.min.js': 'minified',
      'node_modules/': 'vendored',
      'package-lock.json': 'lock_file',
    });
  });

  it('syncs files as cited code sources whose line citations hold the function', async () => {
    await git(root, 'init', '-q');
    const commit = await commitAll('first');
    const ingester = createIngester({ database });
    const report = await syncRepository(ingester, root, { database });
    expect(report.commit).toBe(commit);
    expect(report.added).toBe(6);
    expect(report.failed).toEqual([]);
    expect(Object.fromEntries(report.ignored.map((file) => [file.path, file.reason]))).toMatchObject({
      'data/blob.dat': 'binary',
      'src/bundle.js': 'minified',
    });
    const uri = `${root}/src/math.ts`;
    const source = getSourceByUri(database.getConnection(), uri);
    expect(source?.title).toBe('src/math.ts');
    expect(source?.metadata).toMatchObject({
      kind: 'code',
      repository: root,
      path: 'src/math.ts',
      language: 'typescript',
      commit,
    });
    expect(getSourceByUri(database.getConnection(), `${root}/tools/inventory.py`)?.metadata.language).toBe(
      'python',
    );
    expect(getSourceByUri(database.getConnection(), `${root}/notes/readme.txt`)?.metadata.language).toBe(
      'text',
    );

    const hits = await createLexicalRetriever({ database }).retrieve({
      text: 'multiplies repeated addition',
      limit: 3,
    });
    const hit = hits[0];
    expect(hit?.sourceUri).toBe(uri);
    expect(hit?.heading).toBe('function multiply');
    const text = getSourceText(database.getConnection(), hit?.sourceId ?? -1) ?? '';
    expect(text.slice(hit?.start, hit?.end)).toBe(hit?.text);
    const citation = codeCitation(source?.metadata ?? {}, text, hit?.start ?? 0, hit?.end ?? 0);
    expect(citation).toBe('src/math.ts:11-16');
    expect(hit && readCodeCitation(database.getConnection(), hit)).toBe('src/math.ts:11-16');
    await ingester.ingest([{ uri: 'note:plain', text: 'Not code at all.' }]);
    expect(
      readCodeCitation(database.getConnection(), { sourceUri: 'note:plain', start: 0, end: 3 }),
    ).toBeNull();
    // The cited lines of the file on disk are the doc comment and the whole function.
    const lines = (await readFile(join(root, 'src/math.ts'), 'utf8')).split('\n');
    expect(lines.slice(10, 16).join('\n')).toBe(hit?.text);
    expect(lines[11]).toBe('export function multiply(left: number, right: number): number {');

    // Filters by the contract's metadata.
    const python = await createLexicalRetriever({ database }).retrieve({
      text: 'items',
      filter: { metadata: { language: 'python' } },
    });
    expect(python.map((chunk) => chunk.sourceUri)).toEqual(
      expect.arrayContaining([`${root}/tools/inventory.py`]),
    );
    expect(new Set(python.map((chunk) => chunk.sourceUri)).size).toBe(1);
  });

  it('re-syncs after a commit by reading only the changed file, and removes a deleted one', async () => {
    await git(root, 'init', '-q');
    await commitAll('first');
    const ingester = createIngester({ database });
    await ingester.ingest([{ uri: 'note:elsewhere', text: 'A note that is no part of the repository.' }]);
    await syncRepository(ingester, root, { database });

    const again = await syncRepository(ingester, root, { database });
    expect(again.read).toEqual([]);
    expect({ added: again.added, updated: again.updated, removed: again.removed }).toEqual({
      added: 0,
      updated: 0,
      removed: 0,
    });
    expect(again.unchanged).toBe(6);

    await writeFile(join(root, 'src/math.ts'), mathSource.replace('return sum;', 'return sum + 0;'));
    await git(root, 'rm', '-q', 'tools/inventory.py');
    const second = await commitAll('second');

    const planned = await syncRepository(ingester, root, { database, dryRun: true });
    expect(planned).toMatchObject({ dryRun: true, read: ['src/math.ts'], gone: ['tools/inventory.py'] });
    expect({ updated: planned.updated, removed: planned.removed }).toEqual({ updated: 1, removed: 1 });
    // The dry run wrote nothing.
    expect(getSourceByUri(database.getConnection(), `${root}/tools/inventory.py`)).not.toBeNull();

    const synced = await syncRepository(ingester, root, { database });
    expect(synced.read).toEqual(['src/math.ts']);
    expect(synced.gone).toEqual(['tools/inventory.py']);
    expect({
      added: synced.added,
      updated: synced.updated,
      removed: synced.removed,
      unchanged: synced.unchanged,
    }).toEqual({
      added: 0,
      updated: 1,
      removed: 1,
      unchanged: 4,
    });
    const math = getSourceByUri(database.getConnection(), `${root}/src/math.ts`);
    expect(math?.metadata.commit).toBe(second);
    expect(getSourceText(database.getConnection(), math?.id ?? -1)).toContain('return sum + 0;');
    expect(getSourceByUri(database.getConnection(), `${root}/tools/inventory.py`)).toBeNull();
    // Sources of anything else are left alone.
    expect(getSourceByUri(database.getConnection(), 'note:elsewhere')).not.toBeNull();
  });

  it('reads untracked and modified files of the working tree', async () => {
    await git(root, 'init', '-q');
    await commitAll('first');
    const ingester = createIngester({ database });
    await syncRepository(ingester, root, { database });
    await write(root, 'src/fresh.ts', 'export function fresh(): number {\n  return 42;\n}\n');
    await writeFile(
      join(root, 'src/nested/keep.ts'),
      'export function kept(): string {\n  return "changed";\n}\n',
    );
    const report = await syncRepository(ingester, root, { database });
    expect(report.read).toEqual(['src/fresh.ts', 'src/nested/keep.ts']);
    expect({ added: report.added, updated: report.updated }).toEqual({ added: 1, updated: 1 });
    // Modified content is not the committed one: no blob id is stored for it.
    expect(getSourceByUri(database.getConnection(), `${root}/src/nested/keep.ts`)?.metadata.blob).toBeNull();
  });

  it('reads a file stored while edited once after it is committed, then no more', async () => {
    await git(root, 'init', '-q');
    await commitAll('first');
    const ingester = createIngester({ database });
    await syncRepository(ingester, root, { database });
    await writeFile(
      join(root, 'src/nested/keep.ts'),
      'export function kept(): string {\n  return "edited";\n}\n',
    );
    await syncRepository(ingester, root, { database });
    const commit = await commitAll('commit the edit');
    const afterCommit = await syncRepository(ingester, root, { database });
    expect(afterCommit.read).toEqual(['src/nested/keep.ts']);
    expect({ updated: afterCommit.updated, unchanged: afterCommit.unchanged }).toEqual({
      updated: 0,
      unchanged: 6,
    });
    const keep = getSourceByUri(database.getConnection(), `${root}/src/nested/keep.ts`);
    expect(keep?.metadata).toMatchObject({ commit, blob: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect((await syncRepository(ingester, root, { database })).read).toEqual([]);
  });

  it('syncs a folder inside a repository with paths from the repository root, touching only that folder', async () => {
    await git(root, 'init', '-q');
    await commitAll('first');
    const ingester = createIngester({ database });
    await syncRepository(ingester, root, { database });
    await rm(join(root, 'tools/inventory.py'));
    const report = await syncRepository(ingester, join(root, 'src'), { database });
    expect(report.repository).toBe(root);
    expect(report.folder).toBe(join(root, 'src'));
    expect(report.read).toEqual([]);
    expect(report.gone).toEqual([]);
    // The Python file outside src/ is still stored: that sync did not cover it.
    expect(getSourceByUri(database.getConnection(), `${root}/tools/inventory.py`)).not.toBeNull();
    const paths = listSources(database.getConnection()).map((source) => source.metadata.path);
    expect(paths).toContain('src/nested/keep.ts');
  });

  it('follows .gitignore files itself outside git, with a null commit', async () => {
    const plain = join(folder, 'plain');
    await cp(root, plain, { recursive: true });
    const listing = await listRepositoryFiles(plain);
    expect(listing.commit).toBeNull();
    expect(listing.repository).toBe(plain);
    const paths = listing.files.map((file) => file.path);
    expect(paths).toContain('src/nested/keep.ts');
    expect(paths).not.toContain('src/nested/skip.generated.ts');
    expect(paths).not.toContain('ignored.log');
    expect(paths).not.toContain('secret/token.ts');
    expect(paths.some((path) => path.startsWith('node_modules/'))).toBe(false);
    expect(listing.ignored).toContainEqual({ path: 'node_modules/', reason: 'vendored' });

    const ingester = createIngester({ database });
    const report = await syncRepository(ingester, plain, { database });
    expect(report.commit).toBeNull();
    expect(report.added).toBe(6);
    await rm(join(plain, 'src/nested/keep.ts'));
    const after = await syncRepository(ingester, plain, { database });
    expect(after.gone).toEqual(['src/nested/keep.ts']);
    expect(after.removed).toBe(1);
  });

  it('leaves out files over the size limit, and refuses a path that is no folder', async () => {
    await git(root, 'init', '-q');
    await commitAll('first');
    const listing = await listRepositoryFiles(root, { maxFileBytes: 600 });
    expect(listing.ignored).toContainEqual({ path: 'src/math.ts', reason: 'too_large' });
    await expect(listRepositoryFiles(join(root, 'src/math.ts'))).rejects.toThrow(/not a folder/);
  });
});

describe('lineRange', () => {
  it('counts 1-based inclusive lines, a closing newline ending its own line', () => {
    const text = 'one\ntwo\nthree\n';
    expect(lineRange(text, 0, 3)).toEqual({ startLine: 1, endLine: 1 });
    expect(lineRange(text, 0, 4)).toEqual({ startLine: 1, endLine: 1 });
    expect(lineRange(text, 4, 13)).toEqual({ startLine: 2, endLine: 3 });
    expect(lineRange(text, 8, 8)).toEqual({ startLine: 3, endLine: 3 });
    expect(codeCitation({ path: 'src/a.ts' }, text, 4, 13)).toBe('src/a.ts:2-3');
    expect(codeCitation({}, text, 0, 3, '/repo/a.ts')).toBe('/repo/a.ts:1');
  });
});
