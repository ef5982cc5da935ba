import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MemoryError, throwIfAborted } from '../errors/index.js';
import type { Ingester, IngestOptions, IngestReport, SourceDocument } from '../ingest/ingester.js';
import { normalizeSource } from '../ingest/prepare-document.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import { getSourceByUri, listSources } from '../store/sources.js';
import { updateSourceMetadata } from '../store/update-source-metadata.js';
import { listNoteFiles } from './list-note-files.js';
import { loadNote } from './load-note.js';

export interface NotesSyncOptions extends IngestOptions {
  /**
   * The database the ingester writes to: the vault's stored notes are read there, to find the
   * ones whose file is gone and the ones whose front matter alone changed.
   */
  database: MemoryDatabase;
  /** Report what would be added, updated and removed, and write nothing (default false). */
  dryRun?: boolean;
  clock?: () => number;
}

/** A stored note whose text is unchanged but whose metadata (front matter tags, aliases) is not. */
interface MetadataChange {
  sourceId: number;
  metadata: Readonly<Record<string, unknown>>;
}

function isVaultNote(metadata: Record<string, unknown>, vault: string): boolean {
  return metadata.kind === 'note' && metadata.vault === vault;
}

/**
 * Makes the database match a folder of Markdown notes (an Obsidian vault), like a library: new
 * notes are added, changed ones replaced (a change of front matter alone updates the metadata in
 * place), notes whose file is gone are removed, and only notes of this vault are ever removed. A
 * note that cannot be read (invalid front matter) is reported in `failed`, and its stored version
 * is kept.
 */
export async function syncNotesFolder(
  ingester: Ingester,
  folder: string,
  options: NotesSyncOptions,
): Promise<IngestReport> {
  const { database, dryRun = false, signal, onProgress } = options;
  const clock = options.clock ?? (() => performance.now() / 1000);
  const started = clock();
  const vault = resolve(folder);
  if (!(await stat(vault).catch(() => null))?.isDirectory()) {
    throw new MemoryError('invalid_argument', `not a folder: ${vault}`);
  }
  const files = await listNoteFiles(vault);
  const failed: IngestReport['failed'] = [];
  const documents: SourceDocument[] = [];
  for (const file of files) {
    throwIfAborted(signal);
    try {
      documents.push(await loadNote(vault, file));
    } catch (error) {
      failed.push({
        uri: file,
        code: MemoryError.isInstance(error) ? error.code : 'load_failed',
        message: MemoryError.isInstance(error) ? error.message : `${file}: ${(error as Error).message}`,
      });
    }
  }
  const connection = database.getConnection();
  const pending: SourceDocument[] = [];
  const metadataChanges: MetadataChange[] = [];
  const stored = new Set<string>();
  let unchanged = 0;
  for (const document of documents) {
    const existing = getSourceByUri(connection, document.uri);
    if (existing) stored.add(document.uri);
    if (existing && normalizeSource(document).hash === existing.contentHash) {
      const metadata = document.metadata ?? {};
      if (JSON.stringify(existing.metadata) === JSON.stringify(metadata)) unchanged++;
      else metadataChanges.push({ sourceId: existing.id, metadata });
    } else pending.push(document);
  }
  const present = new Set(files);
  const gone = listSources(connection)
    .filter((source) => isVaultNote(source.metadata, vault) && !present.has(source.uri))
    .map((source) => source.uri);

  if (dryRun) {
    const report: IngestReport = {
      added: 0,
      updated: metadataChanges.length,
      unchanged,
      removed: gone.length,
      failed,
      skipped: [],
      chunks: 0,
      seconds: 0,
    };
    for (const document of pending) {
      // As the ingester would: an empty note is skipped, and a stored version of it kept.
      if (document.text.trim().length === 0) {
        report.skipped.push({
          uri: document.uri,
          code: 'empty_content',
          message: `${document.uri} is empty: nothing to search, skipped`,
        });
      } else if (stored.has(document.uri)) report.updated++;
      else report.added++;
    }
    report.seconds = clock() - started;
    return report;
  }

  const report = await ingester.ingest(pending, { signal, onProgress, total: pending.length });
  if (metadataChanges.length > 0) {
    await database.writeLock.runExclusive(() => {
      connection
        .transaction(() => {
          for (const change of metadataChanges) {
            if (updateSourceMetadata(connection, change.sourceId, change.metadata)) report.updated++;
          }
        })
        .immediate();
    });
  }
  report.unchanged += unchanged;
  report.failed.push(...failed);
  report.removed = await ingester.remove(gone);
  report.seconds = clock() - started;
  return report;
}
