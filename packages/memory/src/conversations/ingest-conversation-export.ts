import type { Ingester, IngestOptions, IngestReport } from '../ingest/ingester.js';
import type { ConversationProvider } from './conversation.js';
import { conversationToDocument } from './conversation-document.js';
import { readConversationExport } from './read-conversation-export.js';

export interface ConversationIngestReport extends IngestReport {
  provider: ConversationProvider | null;
  /** Conversations in the export. */
  conversations: number;
  /** Messages kept across them (hidden, empty and off-branch messages not counted). */
  messages: number;
}

/**
 * Ingests a conversation export, one source per conversation (`conversation:<provider>:<id>`).
 * The export is read and checked whole first: a malformed one throws before anything is written.
 * Unchanged conversations are skipped by hash; a conversation that grew replaces its earlier
 * version. Conversations absent from this export are NOT removed: an export may be partial (a
 * Le Chat export of some chats, a ChatGPT export after some were archived), and losing them would
 * be worse than keeping one the user deleted — `ingester.remove([uri])` deletes one on purpose.
 */
export async function ingestConversationExport(
  ingester: Ingester,
  path: string,
  options: IngestOptions = {},
): Promise<ConversationIngestReport> {
  const exported = await readConversationExport(path);
  const documents = exported.conversations.map(conversationToDocument);
  const report = await ingester.ingest(documents, { ...options, total: documents.length });
  return {
    ...report,
    provider: exported.provider,
    conversations: exported.conversations.length,
    messages: documents.reduce((sum, document) => sum + Number(document.metadata?.messages ?? 0), 0),
  };
}
