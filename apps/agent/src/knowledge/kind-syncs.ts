// The loaders of @klody/memory that sync the kinds other than documents, wired in one place:
// `ingestConversationExport`, `syncNotesFolder`, `syncRepository` (issue 17, items 1–3).
import {
  contentHash,
  conversationToDocument,
  getSourceByUri,
  type IngestReport,
  ingestConversationExport,
  type MemoryDatabase,
  messageAtOffset,
  normalizeText,
  readConversationExport,
  syncNotesFolder,
  syncRepository,
} from '@klody/memory';
import type { MessageResolver } from './citation-label.js';
import type { KnowledgeSync } from './knowledge-kind.js';
import type { InjectedKindName } from './knowledge-kinds.js';

/**
 * What importing a conversation export would change, written nowhere. Exports are cumulative, so a
 * conversation missing from a newer export is kept: a dry run never reports a removal.
 */
async function conversationsDryRun(database: MemoryDatabase, path: string): Promise<IngestReport> {
  const started = Date.now();
  const exported = await readConversationExport(path);
  const report: IngestReport = {
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    failed: [],
    skipped: [],
    chunks: 0,
    seconds: 0,
  };
  const connection = database.getConnection();
  for (const conversation of exported.conversations) {
    const document = conversationToDocument(conversation);
    const stored = getSourceByUri(connection, document.uri);
    const text = normalizeText(document.text, { stripGutenberg: document.stripGutenberg ?? true });
    if (!stored) report.added++;
    else if (stored.contentHash === contentHash(`${document.title ?? ''}\u0000${text}`)) report.unchanged++;
    else report.updated++;
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/** The three kinds' syncs over the agent's memory database (notes and code read what is stored). */
export function kindSyncs(database: MemoryDatabase): Record<InjectedKindName, KnowledgeSync> {
  return {
    conversations: (ingester, path, options) =>
      options.dryRun
        ? conversationsDryRun(database, path)
        : ingestConversationExport(ingester, path, {
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.onProgress ? { onProgress: options.onProgress } : {}),
          }),
    notes: (ingester, path, options) => syncNotesFolder(ingester, path, { ...options, database }),
    repository: (ingester, path, options) => syncRepository(ingester, path, { ...options, database }),
  };
}

/** A conversation's passage is cited with its message (`user message of 2024-03-01`). */
export const messageResolver: MessageResolver = messageAtOffset;
