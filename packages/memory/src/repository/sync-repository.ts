import { readFile } from 'node:fs/promises';
import type { Chunker } from '../chunker/chunker.js';
import { createCodeChunker } from '../chunker/code-chunker.js';
import { MemoryError, throwIfAborted } from '../errors/index.js';
import type { Ingester, IngestOptions, IngestReport, SourceDocument } from '../ingest/ingester.js';
import { normalizeSource } from '../ingest/prepare-document.js';
import { decodeText } from '../loaders/decode-text.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import { listSources, type SourceRecord } from '../store/sources.js';
import { updateSourceMetadata } from '../store/update-source-metadata.js';
import { languageForPath } from './code-language.js';
import {
  type IgnoredFile,
  listRepositoryFiles,
  looksMinified,
  type RepositoryFile,
} from './repository-files.js';

export interface RepositorySyncOptions extends IngestOptions {
  /** The database the ingester writes: the repository's stored sources are read from it. */
  database: MemoryDatabase;
  /** Files over this size are left out (default 512 KiB). */
  maxFileBytes?: number;
  /** Most estimated tokens in a code chunk (default 400). */
  maxTokens?: number;
  /** Report what would be added, replaced and removed, and write nothing. */
  dryRun?: boolean;
}

export interface RepositorySyncReport extends IngestReport {
  /** The git work tree's top folder (or the folder outside git): the sources' `repository`. */
  repository: string;
  /** The folder synced: the repository or a folder inside it; only sources under it are touched. */
  folder: string;
  /** HEAD's full sha at this sync; null outside git or before the first commit. */
  commit: string | null;
  /** Files of the folder that are indexed (new, replaced or unchanged). */
  files: number;
  /** Files left out: vendored, lock files, minified, binary, too large, links. */
  ignored: IgnoredFile[];
  /** Relative paths read because they are new or may have changed (in a dry run: would be read). */
  read: string[];
  /** Relative paths removed because they are gone or now ignored (in a dry run: would be removed). */
  gone: string[];
  dryRun: boolean;
}

/** The uri of a repository file: its absolute path with forward slashes. */
function uriOf(repository: string, path: string): string {
  return `${repository}/${path}`;
}

/**
 * Makes the database match a code repository (or a folder of one): new files are added, changed ones
 * replaced, removed or newly ignored ones deleted; other sources (another repository, notes, books)
 * are never touched. Each file is a source with metadata `kind: 'code'`, `repository`, `path`,
 * `language`, `commit` (HEAD when the content was stored) and `blob` (git's id of that content, null
 * when it was not the committed or staged content), chunked by functions and classes.
 *
 * Re-sync by git's object ids: a tracked, unmodified file whose blob id equals the stored one is
 * unchanged without being read, so a sync after a commit reads only what the commit (and the working
 * tree) changed, whatever happened in between (several commits, a rebase, a branch switch) — unlike a
 * `git diff <last synced commit>`, this needs no commit that may have been garbage-collected since.
 * Untracked and modified files are read and skipped by content hash when equal; a file stored while
 * edited and committed since is read once more, found equal, and given its blob id.
 */
export async function syncRepository(
  ingester: Ingester,
  folder: string,
  options: RepositorySyncOptions,
): Promise<RepositorySyncReport> {
  const { database, signal, onProgress } = options;
  const dryRun = options.dryRun ?? false;
  const listing = await listRepositoryFiles(folder, { maxFileBytes: options.maxFileBytes });
  const { repository, commit } = listing;
  const ignored = [...listing.ignored];
  const prefix = listing.folder === repository ? `${repository}/` : `${listing.folder}/`;
  const stored = new Map<string, SourceRecord>();
  for (const source of listSources(database.getConnection())) {
    if (
      source.metadata.kind === 'code' &&
      source.metadata.repository === repository &&
      source.uri.startsWith(prefix)
    ) {
      stored.set(source.uri, source);
    }
  }

  const chunkers = new Map<string, Promise<Chunker>>();
  const chunkerFor = (language: string) => {
    let chunker = chunkers.get(language);
    if (!chunker) {
      chunker = createCodeChunker({ language, maxTokens: options.maxTokens });
      chunkers.set(language, chunker);
    }
    return chunker;
  };

  const present = new Set<string>();
  const toRead: RepositoryFile[] = [];
  let unchangedByBlob = 0;
  for (const file of listing.files) {
    const uri = uriOf(repository, file.path);
    present.add(uri);
    const known = stored.get(uri);
    if (known && file.blob !== null && known.metadata.blob === file.blob) unchangedByBlob++;
    else toRead.push(file);
  }

  const failed: IngestReport['failed'] = [];
  const read: string[] = [];
  let unchangedByContent = 0;
  const refreshed: { id: number; blob: string | null }[] = [];
  // Files are read one at a time as the ingester asks for them: a first sync of a large repository
  // never holds all its texts in memory at once.
  async function* documents(): AsyncGenerator<SourceDocument> {
    for (const file of toRead) {
      throwIfAborted(signal);
      const uri = uriOf(repository, file.path);
      let text: string;
      try {
        text = decodeText({ bytes: await readFile(file.absolute), name: file.absolute });
      } catch (error) {
        if (MemoryError.isInstance(error) && error.code === 'binary_content') {
          ignored.push({ path: file.path, reason: 'binary' });
          present.delete(uri);
          continue;
        }
        // Unreadable now (permissions, removed meanwhile): reported, and its stored version is kept.
        failed.push({
          uri,
          code: MemoryError.isInstance(error) ? error.code : 'load_failed',
          message: `${file.absolute}: ${(error as Error).message}`,
        });
        continue;
      }
      if (looksMinified(text)) {
        ignored.push({ path: file.path, reason: 'minified' });
        present.delete(uri);
        continue;
      }
      read.push(file.path);
      const language = languageForPath(file.path);
      const document: SourceDocument = {
        uri,
        text,
        title: file.path,
        format: 'code',
        // Code is no Gutenberg book: a licence header must never be cut from its text.
        stripGutenberg: false,
        metadata: { kind: 'code', repository, path: file.path, language, commit, blob: file.blob },
      };
      const known = stored.get(uri);
      if (known && normalizeSource(document).hash === known.contentHash) {
        // Same content: an edit since committed, or an untracked file. Its blob id is recorded, so
        // that the next sync knows it unchanged without reading it.
        unchangedByContent++;
        if (known.metadata.blob !== file.blob) refreshed.push({ id: known.id, blob: file.blob });
        continue;
      }
      yield { ...document, chunker: await chunkerFor(language) };
    }
  }

  let report: IngestReport;
  if (dryRun) {
    report = { added: 0, updated: 0, unchanged: 0, removed: 0, failed, skipped: [], chunks: 0, seconds: 0 };
    for await (const document of documents()) {
      if (stored.has(document.uri)) report.updated++;
      else report.added++;
    }
  } else {
    report = await ingester.ingest(documents(), { signal, onProgress, total: toRead.length });
    report.failed.push(...failed);
    if (refreshed.length > 0) {
      await database.writeLock.runExclusive(() => {
        const connection = database.getConnection();
        connection
          .transaction(() => {
            for (const { id, blob } of refreshed) updateSourceMetadata(connection, id, { blob, commit });
          })
          .immediate();
      });
    }
  }
  // Known only once every file was read: a file found binary or minified is gone as well.
  const gone = [...stored.keys()].filter((uri) => !present.has(uri));
  const relative = (uri: string) => uri.slice(repository.length + 1);
  report.removed = dryRun ? gone.length : await ingester.remove(gone);
  report.unchanged += unchangedByBlob + unchangedByContent;
  return {
    ...report,
    repository,
    folder: listing.folder,
    commit,
    files: present.size,
    ignored,
    read,
    gone: gone.map(relative),
    dryRun,
  };
}
