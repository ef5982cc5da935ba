export { isChatGptConversation, readChatGptConversations } from './chatgpt-export.js';
export { isClaudeConversation, readClaudeConversations } from './claude-export.js';
export type {
  Conversation,
  ConversationExport,
  ConversationMessage,
  ConversationProvider,
  ConversationSpeaker,
} from './conversation.js';
export { conversationToDocument, conversationUri, messageHeading } from './conversation-document.js';
export { type ConversationIngestReport, ingestConversationExport } from './ingest-conversation-export.js';
export { isConversationExport } from './is-conversation-export.js';
export { isLeChatConversation, leChatTitle, readLeChatConversation } from './lechat-export.js';
export {
  encodeMessageOffsets,
  type MessageLocation,
  messageAtOffset,
  messageSpeakersKey,
  messageStartsKey,
  messagesInRange,
  messageTimesKey,
  readMessageOffsets,
} from './message-offsets.js';
export {
  findJsonSyntaxError,
  lineAndColumn,
  parseExportJson,
  topLevelElementAt,
} from './parse-export-json.js';
export { readConversationExport, readConversationsJson } from './read-conversation-export.js';
