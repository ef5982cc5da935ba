import type { SourceDocument } from '../ingest/ingester.js';
import { normalizeText } from '../text/normalize.js';
import type { Conversation, ConversationMessage, ConversationProvider } from './conversation.js';
import { encodeMessageOffsets } from './message-offsets.js';

/** The name an assistant goes by in the rendered text: the app's own. */
const assistantNames: Record<ConversationProvider, string> = {
  chatgpt: 'ChatGPT',
  claude: 'Claude',
  lechat: 'Le Chat',
};

/** `conversation:<provider>:<id>`: one source per conversation, stable across exports. */
export function conversationUri(provider: ConversationProvider, conversationId: string): string {
  return `conversation:${provider}:${conversationId}`;
}

/** `2024-03-01T10:02:31.000Z` → `2024-03-01 10:02 UTC`. */
function readableTime(at: string): string {
  return `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

/** `## User — 2024-03-01 10:02 UTC`, `## ChatGPT (gpt-4o) — …`: who speaks, and when. */
export function messageHeading(provider: ConversationProvider, message: ConversationMessage): string {
  const name =
    message.speaker === 'user'
      ? 'User'
      : message.speaker === 'assistant'
        ? `${assistantNames[provider]}${message.model ? ` (${message.model})` : ''}`
        : message.speaker === 'system'
          ? 'System'
          : 'Tool';
  return `## ${name}${message.at ? ` — ${readableTime(message.at)}` : ''}`;
}

const normalize = (text: string) => normalizeText(text, { stripGutenberg: false });

/**
 * A conversation as a source: `# title`, then each message as `## Speaker — time` and its text.
 * Every piece is normalized before it is placed, so the text is already what the store keeps and
 * the message starts recorded in metadata are offsets into the STORED text (normalizing the whole
 * afterwards would move them: trimmed spaces, CRLF). Messages whose text is empty once normalized
 * are left out.
 */
export function conversationToDocument(conversation: Conversation): SourceDocument {
  const title = normalize(conversation.title).replace(/\s+/g, ' ') || 'Untitled';
  let text = `# ${title}`;
  const placed: { start: number; speaker: ConversationMessage['speaker']; at: string | null }[] = [];
  for (const message of conversation.messages) {
    const body = normalize(message.text);
    if (body.length === 0) continue;
    text += '\n\n';
    placed.push({ start: text.length, speaker: message.speaker, at: message.at });
    text += `${normalize(messageHeading(conversation.provider, message))}\n\n${body}`;
  }
  return {
    uri: conversationUri(conversation.provider, conversation.conversationId),
    title,
    text,
    format: 'conversation',
    // Normalized already; Gutenberg stripping must not cut a conversation that quotes a licence.
    stripGutenberg: false,
    metadata: {
      kind: 'conversation',
      provider: conversation.provider,
      conversationId: conversation.conversationId,
      createdAt: conversation.createdAt,
      updatedAt: conversation.updatedAt,
      messages: placed.length,
      ...encodeMessageOffsets(placed),
    },
  };
}
