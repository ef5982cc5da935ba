import type { Conversation, ConversationMessage, ConversationSpeaker } from './conversation.js';
import {
  conversationPlace,
  type ExportPlace,
  exportFieldError,
  exportItemError,
  isObject,
  type JsonObject,
  messagePlace,
  optionalIsoDate,
  optionalString,
  requireArray,
  requireString,
} from './export-fields.js';

// Claude's export (claude.ai → Settings → Privacy → Export data) is a zip whose `conversations.json`
// is an array of `{ uuid, name, created_at, updated_at, chat_messages: [{ uuid, sender, text,
// content: [{ type, text }], created_at, parent_message_uuid }] , current_leaf_message_uuid }`.
// Messages are in order; recent exports also link each message to its parent, and the conversation
// names its current leaf: then, as for ChatGPT, only the branch the user last saw is kept.

/** A conversation in Claude's `conversations.json` (recognised by its `chat_messages`). */
export function isClaudeConversation(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.chat_messages) && 'uuid' in value;
}

const speakers: Record<string, ConversationSpeaker> = { human: 'user', assistant: 'assistant' };

/** The text blocks of `content` (thinking, tool calls and results left out), else `text`. */
function messageText(message: JsonObject, place: ExportPlace): string {
  const content = message.content;
  if (Array.isArray(content)) {
    const texts = content
      .filter((block): block is JsonObject => isObject(block) && block.type === 'text')
      .map((block) => (typeof block.text === 'string' ? block.text : ''))
      .filter((text) => text.trim().length > 0);
    if (texts.length > 0) return texts.join('\n\n');
  } else if (content !== undefined && content !== null) {
    throw exportFieldError(place, 'content', 'an array', content);
  }
  return optionalString(message, 'text', place) ?? '';
}

/** The messages on the branch ending at `current_leaf_message_uuid`, when the export links them. */
function currentBranch(conversation: JsonObject, messages: JsonObject[]): JsonObject[] {
  const leaf = conversation.current_leaf_message_uuid;
  const byId = new Map(messages.map((message) => [message.uuid, message]));
  if (typeof leaf !== 'string' || !byId.has(leaf)) return messages;
  if (!messages.every((message) => 'parent_message_uuid' in message)) return messages;
  const branch: JsonObject[] = [];
  const seen = new Set<unknown>();
  for (let message = byId.get(leaf); message && !seen.has(message.uuid); ) {
    seen.add(message.uuid);
    branch.push(message);
    message = byId.get(message.parent_message_uuid);
  }
  return branch.reverse();
}

/** The conversations of a parsed Claude `conversations.json`; `file` names it in errors. */
export function readClaudeConversations(value: unknown[], file: string): Conversation[] {
  return value.map((item, index) => {
    const place = conversationPlace(file, index, isObject(item) ? item.uuid : null);
    if (!isObject(item)) throw exportItemError(place, 'an object', item);
    const conversationId = requireString(item, 'uuid', place);
    const chatMessages = requireArray(item, 'chat_messages', place);
    const records = chatMessages.map((message, messageIndex) => {
      if (!isObject(message)) throw exportItemError(messagePlace(place, messageIndex), 'an object', message);
      return message;
    });
    const messages: ConversationMessage[] = [];
    for (const record of currentBranch(item, records)) {
      const messageIndex = records.indexOf(record);
      const messagePlaceOf = messagePlace(place, messageIndex);
      const sender = requireString(record, 'sender', messagePlaceOf);
      const speaker = speakers[sender];
      if (!speaker) throw exportFieldError(messagePlaceOf, 'sender', '"human" or "assistant"', sender);
      const text = messageText(record, messagePlaceOf);
      if (text.trim().length === 0) continue;
      messages.push({ speaker, at: optionalIsoDate(record, 'created_at', messagePlaceOf), text });
    }
    const name = optionalString(item, 'name', place);
    return {
      provider: 'claude',
      conversationId,
      title: name && name.trim().length > 0 ? name : 'Untitled',
      createdAt: optionalIsoDate(item, 'created_at', place),
      updatedAt: optionalIsoDate(item, 'updated_at', place),
      messages,
    };
  });
}
