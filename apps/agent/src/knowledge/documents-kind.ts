// The user's own documents (a CV as PDF or DOCX, letters, reports, notes as plain files): one file, or
// a plain folder synced like a library. Loaded with @klody/memory's loaders, but ingested here rather
// than through `ingestFiles`/`syncFolder` so that every source carries `kind: 'document'` (the
// metadata contract that citation labels and the `kind` filter read) and so that a dry run can say
// what would change without writing.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  contentHash,
  createDefaultLoaders,
  type DocumentLoader,
  findLoader,
  getSourceByUri,
  type IngestReport,
  listSources,
  loadDocumentFile,
  type MemoryDatabase,
  MemoryError,
  normalizeText,
  type SourceDocument,
} from '@klody/memory';
import type { KnowledgeKind, KnowledgeSyncOptions } from './knowledge-kind.js';

export interface DocumentsKindOptions {
  /** Where the sources are stored (the agent's `memoryDatabase`): a dry run compares with it. */
  database: MemoryDatabase;
  loaders?: readonly DocumentLoader[];
}

/** The metadata every document source carries. */
export const documentKind = 'document';

function emptyReport(): IngestReport {
  return { added: 0, updated: 0, unchanged: 0, removed: 0, failed: [], skipped: [], chunks: 0, seconds: 0 };
}

/**
 * Files a loader reads, sorted. Hidden entries (`.git`, `.obsidian`, `.DS_Store`) and `node_modules`
 * are left out: they are tools' data, not the user's documents.
 */
async function listDocumentFiles(folder: string, loaders: readonly DocumentLoader[]): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await listDocumentFiles(path, loaders)));
    else if (entry.isFile() && findLoader(loaders, entry.name)) files.push(path);
  }
  return files.sort();
}

/** The content hash the ingester compares (title and normalized text), for a dry run. */
function storedHash(document: SourceDocument): string {
  const text = normalizeText(document.text, { stripGutenberg: document.stripGutenberg ?? true });
  return contentHash(`${document.title ?? ''}\u0000${text}`);
}

export function createDocumentsKind(options: DocumentsKindOptions): KnowledgeKind {
  const { database } = options;
  const loaders = options.loaders ?? createDefaultLoaders();

  async function load(paths: readonly string[], report: IngestReport): Promise<SourceDocument[]> {
    const documents: SourceDocument[] = [];
    for (const path of paths) {
      try {
        const loaded = await loadDocumentFile(path, loaders);
        documents.push({
          uri: path,
          text: loaded.text,
          title: loaded.title,
          format: loaded.format,
          metadata: { ...loaded.metadata, kind: documentKind },
        });
      } catch (error) {
        // A file that cannot be read is reported; its stored version, if any, is kept.
        report.failed.push({
          uri: path,
          code: MemoryError.isInstance(error) ? error.code : 'load_failed',
          message: (error as Error).message,
        });
      }
    }
    return documents;
  }

  /** Document sources stored under a folder whose file is no longer listed. */
  function gone(folder: string, present: ReadonlySet<string>): string[] {
    const prefix = folder.endsWith('/') ? folder : `${folder}/`;
    return listSources(database.getConnection())
      .filter(
        (source) =>
          source.uri.startsWith(prefix) && source.metadata.kind === documentKind && !present.has(source.uri),
      )
      .map((source) => source.uri);
  }

  function dryRun(documents: readonly SourceDocument[], removed: readonly string[], report: IngestReport) {
    const connection = database.getConnection();
    for (const document of documents) {
      if (document.text.trim().length === 0) {
        report.skipped.push({
          uri: document.uri,
          code: 'empty_content',
          message: `${document.uri} is empty: nothing to search, skipped`,
        });
        continue;
      }
      const current = getSourceByUri(connection, document.uri);
      if (!current) report.added++;
      else if (current.contentHash === storedHash(document)) report.unchanged++;
      else report.updated++;
    }
    report.removed = removed.length;
    return report;
  }

  return {
    name: 'documents',
    detect: () => true,
    async sync(ingester, path, syncOptions: KnowledgeSyncOptions) {
      const started = performance.now();
      const root = resolve(path);
      const entry = await stat(root);
      const paths = entry.isDirectory() ? await listDocumentFiles(root, loaders) : [root];
      const loadReport = emptyReport();
      const documents = await load(paths, loadReport);
      // A file that failed to load is still there: it is not "gone", and its stored version stays.
      const removed = entry.isDirectory() ? gone(root, new Set(paths)) : [];
      if (syncOptions.dryRun) {
        const report = dryRun(documents, removed, loadReport);
        report.seconds = (performance.now() - started) / 1000;
        return report;
      }
      const report = await ingester.ingest(documents, {
        total: documents.length,
        ...(syncOptions.signal ? { signal: syncOptions.signal } : {}),
        ...(syncOptions.onProgress ? { onProgress: syncOptions.onProgress } : {}),
      });
      report.failed.push(...loadReport.failed);
      report.removed = await ingester.remove(removed);
      report.seconds = (performance.now() - started) / 1000;
      return report;
    },
  };
}
