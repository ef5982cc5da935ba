// The one model every conversation export is read into, whatever app it came from. Plain types only.

export type ConversationProvider = 'chatgpt' | 'claude' | 'lechat';

export type ConversationSpeaker = 'user' | 'assistant' | 'system' | 'tool';

export interface ConversationMessage {
  speaker: ConversationSpeaker;
  /** When the message was written, ISO 8601 in UTC, or null when the export does not say. */
  at: string | null;
  /** The message's visible text (attachments, images, tool calls and hidden reasoning left out). */
  text: string;
  /** The model that wrote an assistant message, when the export names it (`gpt-4o`). */
  model?: string | null;
}

export interface Conversation {
  provider: ConversationProvider;
  conversationId: string;
  title: string;
  /** ISO 8601 in UTC, or null when the export does not say. */
  createdAt: string | null;
  updatedAt: string | null;
  /** In reading order; for a branched ChatGPT conversation, only the branch the user last saw. */
  messages: ConversationMessage[];
}

/** What `readConversationExport` found in one export. */
export interface ConversationExport {
  /** The file or folder read. */
  path: string;
  /** Null only for an export that holds no conversation at all (its shape cannot tell). */
  provider: ConversationProvider | null;
  conversations: Conversation[];
}
