import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { MemoryError } from '../errors/index.js';
import { findGitRepository, headCommit, runGit, splitRecords } from './git.js';

/** A file of a repository that is worth reading. */
export interface RepositoryFile {
  /** Relative to the repository, forward slashes. */
  path: string;
  absolute: string;
  size: number;
  /**
   * git's blob id of the content in the index when the working tree file is that content; null for
   * an untracked or modified file, or outside git. Equal ids mean equal bytes, so an unchanged file
   * is known without reading it.
   */
  blob: string | null;
}

export type IgnoredReason = 'vendored' | 'lock_file' | 'minified' | 'too_large' | 'binary' | 'not_a_file';

/** A file left out on purpose (the listing never reads it, or reading showed it is not source). */
export interface IgnoredFile {
  path: string;
  reason: IgnoredReason;
}

export interface RepositoryListing {
  /** The git work tree's top folder, or the folder itself outside git (absolute, real path). */
  repository: string;
  /** The folder listed (absolute): the repository or a folder inside it. */
  folder: string;
  /** HEAD's full sha; null outside git or before the first commit. */
  commit: string | null;
  files: RepositoryFile[];
  ignored: IgnoredFile[];
}

export interface ListRepositoryOptions {
  /** Files over this size are left out (default 512 KiB): generated code, data, bundles. */
  maxFileBytes?: number;
}

// Folders of dependencies, build output, caches and tool state: other people's code or generated
// code, which would crowd out the repository's own in every search.
const vendoredFolders = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  'vendor',
  'third_party',
  'third-party',
  'thirdparty',
  'dist',
  'build',
  'out',
  'target',
  'coverage',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.cache',
  '.parcel-cache',
  '.gradle',
  '.idea',
  'Pods',
  'DerivedData',
]);

const lockFiles = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'bun.lockb',
  'bun.lock',
  'cargo.lock',
  'poetry.lock',
  'pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'gemfile.lock',
  'composer.lock',
  'go.sum',
  'flake.lock',
  'mix.lock',
  'pubspec.lock',
  'podfile.lock',
  'packages.lock.json',
]);

// Extensions that are never source text: read nothing of them (the binary check would refuse them
// anyway, after reading up to the size limit).
const binaryExtensions =
  /\.(?:png|jpe?g|gif|bmp|ico|icns|webp|avif|tiff?|psd|pdf|zip|gz|tgz|bz2|xz|zst|7z|rar|jar|war|ear|class|o|a|so|dylib|dll|exe|bin|wasm|pyc|pyo|woff2?|ttf|otf|eot|mp[34]|m4a|wav|ogg|flac|mov|avi|mkv|webm|sqlite3?|db|gguf|onnx|safetensors|pt|pth|npy|npz|parquet|arrow|pkl|docx?|xlsx?|pptx?|epub|dmg|iso|deb|rpm)$/i;

const minifiedName = /[.-]min\.(?:js|mjs|cjs|css)$|\.(?:js|css)\.map$|\.map$/i;

/** Why a path is left out by its name alone, or null. */
export function ignoredByName(path: string): IgnoredReason | null {
  const segments = path.split('/');
  if (segments.slice(0, -1).some((segment) => vendoredFolders.has(segment))) return 'vendored';
  const name = basename(path).toLowerCase();
  if (lockFiles.has(name)) return 'lock_file';
  if (minifiedName.test(name)) return 'minified';
  if (binaryExtensions.test(name)) return 'binary';
  return null;
}

/**
 * Minified or generated one-line code: long lines on average, or any line of thousands of characters
 * (a bundle, an inlined source map). Hand-written code averages under 60 characters a line.
 */
export function looksMinified(text: string): boolean {
  if (text.length < 2_000) return false;
  const lines = text.split('\n');
  const longest = lines.reduce((most, line) => Math.max(most, line.length), 0);
  return text.length / lines.length > 300 || longest > 10_000;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Files under `folder` as git sees them: tracked plus untracked-but-not-ignored, every .gitignore followed. */
async function listGitFiles(folder: string): Promise<{ path: string; blob: string | null; link: boolean }[]> {
  // cwd = the folder limits the listing to it; --full-name keeps paths relative to the repository.
  const [staged, others, modified] = await Promise.all([
    runGit(folder, ['ls-files', '--cached', '--stage', '--full-name', '-z']),
    runGit(folder, ['ls-files', '--others', '--exclude-standard', '--full-name', '-z']),
    runGit(folder, ['ls-files', '--modified', '--full-name', '-z']),
  ]);
  const changed = new Set(splitRecords(modified));
  const files = new Map<string, { path: string; blob: string | null; link: boolean }>();
  for (const record of splitRecords(staged)) {
    // "<mode> <blob> <stage>\t<path>"; a merge conflict lists a path once per stage.
    const tab = record.indexOf('\t');
    const [mode, blob] = record.slice(0, tab).split(' ');
    const path = record.slice(tab + 1);
    // 160000: a submodule (another repository, synced on its own); 120000: a symbolic link.
    if (mode === '160000') continue;
    files.set(path, { path, blob: changed.has(path) ? null : (blob ?? null), link: mode === '120000' });
  }
  for (const path of splitRecords(others)) files.set(path, { path, blob: null, link: false });
  return [...files.values()].sort((left, right) =>
    left.path < right.path ? -1 : left.path > right.path ? 1 : 0,
  );
}

/** Files under `folder` outside git: a walk that follows every .gitignore found on the way. */
async function walkFolder(folder: string, ignored: IgnoredFile[]): Promise<string[]> {
  const files: string[] = [];
  const visit = async (directory: string, rules: { base: string; matcher: Ignore }[]) => {
    const gitignore = await readFile(join(directory, '.gitignore'), 'utf8').catch(() => null);
    const here =
      gitignore === null ? rules : [...rules, { base: directory, matcher: ignore().add(gitignore) }];
    const isIgnored = (absolute: string, directoryEntry: boolean) =>
      here.some(({ base, matcher }) => {
        const path = toPosix(relative(base, absolute));
        return matcher.ignores(directoryEntry ? `${path}/` : path);
      });
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      throw new MemoryError(
        'load_failed',
        `cannot read the folder ${directory}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
    for (const entry of entries) {
      const absolute = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (isIgnored(absolute, true)) continue;
        if (vendoredFolders.has(entry.name)) {
          ignored.push({ path: `${toPosix(relative(folder, absolute))}/`, reason: 'vendored' });
          continue;
        }
        await visit(absolute, here);
      } else if (entry.isFile() && !isIgnored(absolute, false)) {
        files.push(absolute);
      }
    }
  };
  await visit(folder, []);
  return files;
}

/**
 * The files of a code repository worth indexing. Inside a git work tree, git lists them (tracked and
 * untracked files, minus what any .gitignore, .git/info/exclude or the global excludes file ignores)
 * and the blob ids tell unchanged files; outside git, a walk follows the .gitignore files itself.
 * Vendored and build folders, lock files, minified files, known binary extensions, links and files over
 * the size limit are left out and reported in `ignored` (a vendored folder once, not each of its files).
 */
export async function listRepositoryFiles(
  folder: string,
  options: ListRepositoryOptions = {},
): Promise<RepositoryListing> {
  const maxFileBytes = options.maxFileBytes ?? 512 * 1024;
  const root = await realpath(folder).catch(() => null);
  if (!root || !(await stat(root)).isDirectory()) {
    throw new MemoryError('invalid_argument', `not a folder: ${folder}`);
  }
  const top = await findGitRepository(root);
  const repository = top ? await realpath(top) : root;
  const commit = top ? await headCommit(repository) : null;
  const ignored: IgnoredFile[] = [];
  const candidates = top
    ? await listGitFiles(root)
    : (await walkFolder(root, ignored)).map((absolute) => ({
        path: toPosix(relative(repository, absolute)),
        blob: null,
        link: false,
      }));
  const files: RepositoryFile[] = [];
  const vendored = new Set<string>();
  for (const candidate of candidates) {
    const reason = candidate.link ? 'not_a_file' : ignoredByName(candidate.path);
    if (reason === 'vendored') {
      // An untracked node_modules lists thousands of files: the folder is reported once.
      const segments = candidate.path.split('/');
      const folderPath = `${segments.slice(0, segments.findIndex((segment) => vendoredFolders.has(segment)) + 1).join('/')}/`;
      if (!vendored.has(folderPath)) ignored.push({ path: folderPath, reason });
      vendored.add(folderPath);
      continue;
    }
    if (reason) {
      ignored.push({ path: candidate.path, reason });
      continue;
    }
    const absolute = join(repository, ...candidate.path.split('/'));
    // lstat-like check through stat: a tracked file deleted from the working tree is simply absent.
    const status = await stat(absolute).catch(() => null);
    if (!status) continue;
    if (!status.isFile()) {
      ignored.push({ path: candidate.path, reason: 'not_a_file' });
      continue;
    }
    if (status.size > maxFileBytes) {
      ignored.push({ path: candidate.path, reason: 'too_large' });
      continue;
    }
    files.push({ path: candidate.path, absolute, size: status.size, blob: candidate.blob });
  }
  return { repository, folder: root, commit, files, ignored };
}
