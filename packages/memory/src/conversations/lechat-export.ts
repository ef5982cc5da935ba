import { basename } from 'node:path';
import type { Conversation, ConversationMessage, ConversationSpeaker } from './conversation.js';
import {
  type ExportPlace,
  exportFieldError,
  exportItemError,
  isObject,
  type JsonObject,
  messagePlace,
  optionalIsoDate,
  optionalString,
} from './export-fields.js';

// Le Chat (Mistral) has no published description of its export. What is known comes from an
// open-source importer that reads real exports (Superkikim/nexus-ai-chat-importer,
// src/providers/lechat/, 2025): the export is a zip of one `chat-<uuid>.json` per conversation
// (attachments in `chat-<uuid>-files/`), each file an ARRAY OF MESSAGES with no conversation object
// around it: `{ id, version, chatId, role: 'user' | 'assistant', content, contentChunks:
// [{ type: 'text' | 'tool_call' | 'reference' | 'custom_element', … }] | null, createdAt (ISO),
// files: [{ type, name }], … }`. There is no title, and messages are not in chronological order.
// So: sorted by `createdAt`, titled by the first question, dated by the first and last message.

/** One Le Chat conversation file: an array of messages carrying `chatId` and `role`. */
export function isLeChatConversation(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    isObject(value[0]) &&
    typeof value[0].chatId === 'string' &&
    'role' in value[0]
  );
}

const speakers: Record<string, ConversationSpeaker> = {
  user: 'user',
  assistant: 'assistant',
  system: 'system',
  tool: 'tool',
};

/** Le Chat shows no title in the export: the first question, cut at a word near 80 characters. */
export function leChatTitle(messages: readonly ConversationMessage[]): string {
  const question = messages
    .find((message) => message.speaker === 'user')
    ?.text.replace(/\s+/g, ' ')
    .trim();
  if (!question) return 'Untitled';
  if (question.length <= 80) return question;
  const cut = question.slice(0, 80);
  const space = cut.lastIndexOf(' ');
  return `${(space > 40 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * `content` is the whole answer as shown; `contentChunks` splits it into text, tool calls and
 * references. The text chunks are read only when `content` is empty.
 */
function messageText(message: JsonObject, place: ExportPlace): string {
  const content = optionalString(message, 'content', place) ?? '';
  if (content.trim().length > 0) return content;
  const chunks = message.contentChunks;
  if (chunks === null || chunks === undefined) return '';
  if (!Array.isArray(chunks)) throw exportFieldError(place, 'contentChunks', 'an array or null', chunks);
  return chunks
    .filter(
      (chunk): chunk is JsonObject =>
        isObject(chunk) && chunk.type === 'text' && typeof chunk.text === 'string',
    )
    .map((chunk) => chunk.text as string)
    .join('');
}

/** The conversation of one parsed Le Chat file (`chat-<uuid>.json`); `file` names it in errors. */
export function readLeChatConversation(value: unknown[], file: string): Conversation {
  const fallbackId = /^chat-(.+)\.json$/i.exec(basename(file))?.[1] ?? basename(file);
  const place: ExportPlace = { file, where: `conversation (id "${fallbackId}")` };
  const dated: { message: ConversationMessage; time: number; order: number }[] = [];
  let conversationId: string | null = null;
  value.forEach((item, index) => {
    const itemPlace = messagePlace(place, index);
    if (!isObject(item)) throw exportItemError(itemPlace, 'an object', item);
    conversationId ??= optionalString(item, 'chatId', itemPlace);
    const role = item.role;
    if (typeof role !== 'string') throw exportFieldError(itemPlace, 'role', 'a string', role);
    const speaker = speakers[role];
    const text = messageText(item, itemPlace);
    const createdAt = optionalIsoDate(item, 'createdAt', itemPlace);
    if (!speaker || text.trim().length === 0) return;
    dated.push({
      message: { speaker, at: createdAt, text },
      time: createdAt ? Date.parse(createdAt) : Number.POSITIVE_INFINITY,
      order: index,
    });
  });
  // Sorted by time; undated messages keep their place after the dated ones, in file order.
  dated.sort((left, right) => left.time - right.time || left.order - right.order);
  const messages = dated.map((entry) => entry.message);
  const times = messages.map((message) => message.at).filter((at): at is string => at !== null);
  return {
    provider: 'lechat',
    conversationId: conversationId ?? fallbackId,
    title: leChatTitle(messages),
    createdAt: times[0] ?? null,
    updatedAt: times[times.length - 1] ?? null,
    messages,
  };
}
