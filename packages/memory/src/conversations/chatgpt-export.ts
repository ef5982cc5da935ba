import type { Conversation, ConversationMessage, ConversationSpeaker } from './conversation.js';
import {
  conversationPlace,
  type ExportPlace,
  exportFieldError,
  exportItemError,
  isObject,
  type JsonObject,
  messagePlace,
  optionalEpochSeconds,
  optionalString,
  requireObject,
} from './export-fields.js';

// ChatGPT's export (Settings → Data controls → Export data) is a zip whose `conversations.json` is an
// array of conversations. Each holds its messages as a tree, `mapping` (node id → { id, message,
// parent, children }): editing a question or regenerating an answer adds a sibling branch, and
// `current_node` is the leaf the user last saw. Only the path from the root to that leaf is the
// conversation as the user knows it; the abandoned branches are left out.

/** A conversation in ChatGPT's `conversations.json` (the shape is recognised by its `mapping`). */
export function isChatGptConversation(value: unknown): boolean {
  return isObject(value) && isObject(value.mapping);
}

const speakers: Record<string, ConversationSpeaker> = {
  user: 'user',
  assistant: 'assistant',
  system: 'system',
  tool: 'tool',
};

// Content types that hold what a person reads. Others are code sent to a tool, browsing results,
// reasoning summaries, custom instructions (`user_editable_context`): not the conversation.
const textContentTypes = new Set(['text', 'multimodal_text']);

/** The node ids from the root to `current_node`, in reading order. */
function currentPath(mapping: JsonObject, conversation: JsonObject, place: ExportPlace): string[] {
  let leaf = optionalString(conversation, 'current_node', place);
  if (leaf === null) {
    // Without `current_node` (not seen in exports, but cheap to survive): from the root, follow
    // the last child at each step, the newest regeneration.
    const root = Object.keys(mapping).find((id) => {
      const node = mapping[id];
      return isObject(node) && (node.parent === null || node.parent === undefined);
    });
    if (root === undefined) return [];
    leaf = root;
    for (;;) {
      const node = mapping[leaf] as JsonObject;
      const children = Array.isArray(node.children) ? node.children : [];
      const last = children[children.length - 1];
      if (typeof last !== 'string' || !isObject(mapping[last])) break;
      leaf = last;
    }
  }
  if (!isObject(mapping[leaf]))
    throw exportFieldError(place, 'current_node', 'the id of a node in mapping', leaf);
  const path: string[] = [];
  const seen = new Set<string>();
  for (let id: string | null = leaf; id !== null; ) {
    if (seen.has(id)) throw exportFieldError(messagePlace(place, id), 'parent', 'no cycle in mapping', id);
    seen.add(id);
    path.push(id);
    const node = mapping[id];
    if (!isObject(node)) throw exportFieldError(place, `mapping.${id}`, 'an object', node);
    const parent = optionalString(node, 'parent', messagePlace(place, id));
    if (parent !== null && !isObject(mapping[parent]))
      throw exportFieldError(messagePlace(place, id), 'parent', 'the id of a node in mapping', parent);
    id = parent;
  }
  return path.reverse();
}

function partText(part: unknown): string | null {
  if (typeof part === 'string') return part;
  // Voice conversations carry their words as transcription parts; images and files are objects
  // without text and are left out.
  if (isObject(part) && part.content_type === 'audio_transcription' && typeof part.text === 'string')
    return part.text;
  return null;
}

function readMessage(node: JsonObject, place: ExportPlace): ConversationMessage | null {
  const message = node.message;
  if (message === null || message === undefined) return null; // the root holds no message
  if (!isObject(message)) throw exportFieldError(place, 'message', 'an object or null', message);
  const metadata = isObject(message.metadata) ? message.metadata : {};
  if (metadata.is_visually_hidden_from_conversation === true) return null;
  const author = requireObject(message, 'author', place);
  const speaker = speakers[String(author.role)];
  if (!speaker) return null;
  // An assistant message addressed to a tool (`recipient: "python"`, `"dalle.text2im"`) is a call,
  // not an answer.
  if (typeof message.recipient === 'string' && message.recipient !== 'all') return null;
  const content = requireObject(message, 'content', place);
  if (!textContentTypes.has(String(content.content_type))) return null;
  const parts = content.parts;
  if (!Array.isArray(parts)) throw exportFieldError(place, 'content.parts', 'an array', parts);
  const text = parts
    .map(partText)
    .filter((part): part is string => part !== null && part.trim().length > 0)
    .join('\n\n');
  if (text.trim().length === 0) return null;
  const model = typeof metadata.model_slug === 'string' ? metadata.model_slug : null;
  return {
    speaker,
    at: optionalEpochSeconds(message, 'create_time', place),
    text,
    ...(speaker === 'assistant' && model ? { model } : {}),
  };
}

/** The conversations of a parsed ChatGPT `conversations.json`; `file` names it in errors. */
export function readChatGptConversations(value: unknown[], file: string): Conversation[] {
  return value.map((item, index) => {
    const place = conversationPlace(file, index, isObject(item) ? (item.conversation_id ?? item.id) : null);
    if (!isObject(item)) throw exportItemError(place, 'an object', item);
    const conversationId =
      optionalString(item, 'conversation_id', place) ?? optionalString(item, 'id', place);
    if (conversationId === null)
      throw exportFieldError(place, 'conversation_id', 'a string', item.conversation_id);
    const mapping = requireObject(item, 'mapping', place);
    const messages: ConversationMessage[] = [];
    for (const id of currentPath(mapping, item, place)) {
      const message = readMessage(mapping[id] as JsonObject, messagePlace(place, id));
      if (message) messages.push(message);
    }
    return {
      provider: 'chatgpt',
      conversationId,
      title: optionalString(item, 'title', place) ?? 'Untitled',
      createdAt: optionalEpochSeconds(item, 'create_time', place),
      updatedAt: optionalEpochSeconds(item, 'update_time', place),
      messages,
    };
  });
}
