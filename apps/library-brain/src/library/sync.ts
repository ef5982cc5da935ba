// Keeping the library in step with a folder: new files added, changed ones replaced, books whose
// file is gone removed. A dry run says what would change and changes nothing.
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import {
  contentHash,
  type DocumentLoader,
  getSourceByUri,
  listSources,
  loadDocumentFile,
  MemoryError,
  normalizeText,
} from '@klody/memory';
import type Database from 'better-sqlite3';
import { bookMetadata } from './book-metadata.js';
import type { IngestProgress, IngestSummary } from './library.js';

export interface SyncChange {
  action: 'add' | 'replace' | 'remove';
  path: string;
}

export interface SyncSummary extends IngestSummary {
  folder: string;
  dryRun: boolean;
  /** Books removed because their file is gone (with `dryRun`, that would be). */
  removed: number;
  /**
   * With `dryRun`: every change a sync would make (files that cannot be read count as replaced).
   * Otherwise the books added and removed (replaced ones are counted in `updated`).
   */
  changes: SyncChange[];
  /** Set when books whose file is gone were kept: the folder held no book at all (a disk not mounted?). */
  warning: string | null;
}

export interface SyncOptions {
  dryRun?: boolean;
  /**
   * Size and modification time of each file at the previous sync, kept by the caller between syncs
   * (`serve --watch` does): files unchanged since are not read again. Updated by the sync.
   */
  signatures?: Map<string, string>;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

export interface FolderSyncDependencies {
  connection: Database.Database;
  loaders: readonly DocumentLoader[];
  /** The book files of a folder, as `ingest` would read them. */
  listBookFiles(folder: string): Promise<string[]>;
  ingest(paths: readonly string[], options: Omit<SyncOptions, 'dryRun'>): Promise<IngestSummary>;
  /** Deletes the books of these paths, with their passages and vectors. */
  removePaths(paths: readonly string[]): Promise<number>;
}

/** The hash the ingester stores for a file: its normalized text and its title (memory's normalizeSource). */
async function storedHashOf(path: string, loaders: readonly DocumentLoader[]): Promise<string> {
  const loaded = await loadDocumentFile(path, loaders);
  const { title } = bookMetadata(path, loaded);
  return contentHash(`${title}\u0000${normalizeText(loaded.text)}`);
}

/**
 * Makes the library match `folder`: `ingest` adds and replaces (unchanged books are skipped by
 * hash), then the books stored from inside the folder whose file is gone are removed. A file that
 * cannot be read is still there: its book stays. When the folder holds no book file at all while
 * the library has books from it, nothing is removed: an unmounted disk must not empty the library.
 */
export async function syncFolder(
  dependencies: FolderSyncDependencies,
  folder: string,
  options: SyncOptions = {},
): Promise<SyncSummary> {
  const root = resolve(folder);
  const started = performance.now();
  if (!(await stat(root).catch(() => null))?.isDirectory())
    throw new MemoryError('invalid_argument', `not a folder: ${root}`);
  const files = await dependencies.listBookFiles(root);
  const present = new Set(files);
  const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
  const stored = listSources(dependencies.connection).filter((source) => source.uri.startsWith(prefix));
  const storedPaths = new Set(stored.map((source) => source.uri));
  let gone = stored.filter((source) => !present.has(source.uri)).map((source) => source.uri);
  let warning: string | null = null;
  if (files.length === 0 && gone.length > 0) {
    warning = `${root} holds no book file: the ${gone.length} books stored from it are kept (is a disk missing?); remove them with "library-brain remove" if they should go`;
    gone = [];
  }
  const added = files.filter((file) => !storedPaths.has(file));

  if (options.dryRun) {
    const changes: SyncChange[] = added.map((path) => ({ action: 'add', path }));
    let unchanged = 0;
    for (const file of files) {
      if (!storedPaths.has(file)) continue;
      if (options.signal?.aborted) break;
      const source = getSourceByUri(dependencies.connection, file);
      const hash = await storedHashOf(file, dependencies.loaders).catch(() => null);
      if (hash !== null && hash === source?.contentHash) unchanged++;
      else changes.push({ action: 'replace', path: file });
    }
    changes.push(...gone.map((path) => ({ action: 'remove' as const, path })));
    changes.sort((first, second) => first.path.localeCompare(second.path));
    return {
      folder: root,
      dryRun: true,
      added: added.length,
      updated: changes.filter((change) => change.action === 'replace').length,
      unchanged,
      removed: gone.length,
      changes,
      failed: [],
      skipped: [],
      chunks: 0,
      seconds: (performance.now() - started) / 1000,
      warning,
    };
  }

  // With the signatures of the previous sync, a stored book whose file has the same size and
  // modification time is not read again (a watched library of thousands of books re-reads only
  // what changed); without them every file is read and compared by content hash.
  const signatures = options.signatures;
  const current = new Map<string, string>();
  if (signatures)
    for (const file of files) {
      const info = await stat(file).catch(() => null);
      if (info) current.set(file, `${info.size}:${info.mtimeMs}`);
    }
  const toIngest = signatures
    ? files.filter((file) => !storedPaths.has(file) || current.get(file) !== signatures.get(file))
    : files;
  const summary =
    toIngest.length > 0
      ? await dependencies.ingest(toIngest, { onProgress: options.onProgress, signal: options.signal })
      : { added: 0, updated: 0, unchanged: 0, failed: [], skipped: [], chunks: 0, seconds: 0 };
  const removed = gone.length > 0 ? await dependencies.removePaths(gone) : 0;
  const failedPaths = new Set(summary.failed.map((failure) => failure.path));
  if (signatures) {
    signatures.clear();
    for (const [file, signature] of current) if (!failedPaths.has(file)) signatures.set(file, signature);
  }
  return {
    ...summary,
    unchanged: summary.unchanged + (files.length - toIngest.length),
    folder: root,
    dryRun: false,
    removed,
    changes: [
      ...added.filter((path) => !failedPaths.has(path)).map((path) => ({ action: 'add' as const, path })),
      ...gone.map((path) => ({ action: 'remove' as const, path })),
    ],
    seconds: (performance.now() - started) / 1000,
    warning,
  };
}
