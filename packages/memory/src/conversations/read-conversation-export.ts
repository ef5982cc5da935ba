import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type JSZip from 'jszip';
import { MemoryError } from '../errors/index.js';
import { loadJszip } from '../lazy/heavy-modules.js';
import { isChatGptConversation, readChatGptConversations } from './chatgpt-export.js';
import { isClaudeConversation, readClaudeConversations } from './claude-export.js';
import type { Conversation, ConversationExport, ConversationProvider } from './conversation.js';
import { isLeChatConversation, readLeChatConversation } from './lechat-export.js';
import { parseExportJson } from './parse-export-json.js';

/** A JSON file of an export: its name for errors (`export.zip (conversations.json)`) and its text. */
interface ExportFile {
  name: string;
  text: string;
}

const leChatFileName = /^chat-[^/]+\.json$/i;

/**
 * The conversations of one parsed JSON file, the provider told by the shape: ChatGPT's conversations
 * carry a `mapping`, Claude's `chat_messages`, and a Le Chat file is an array of messages with
 * `chatId`. Throws `unsupported_format` naming the file for any other shape.
 */
export function readConversationsJson(
  value: unknown,
  file: string,
): { provider: ConversationProvider | null; conversations: Conversation[] } {
  if (Array.isArray(value)) {
    if (value.length === 0) return { provider: null, conversations: [] };
    if (isChatGptConversation(value[0]))
      return { provider: 'chatgpt', conversations: readChatGptConversations(value, file) };
    if (isClaudeConversation(value[0]))
      return { provider: 'claude', conversations: readClaudeConversations(value, file) };
    if (isLeChatConversation(value))
      return { provider: 'lechat', conversations: [readLeChatConversation(value, file)] };
    // Several Le Chat conversations gathered in one array.
    if (value.every(isLeChatConversation))
      return {
        provider: 'lechat',
        conversations: value.map((item, index) =>
          readLeChatConversation(item as unknown[], `${file} [${index}]`),
        ),
      };
  }
  throw new MemoryError(
    'unsupported_format',
    `${file}: not a conversation export Klody reads (expected ChatGPT's or Claude's conversations.json, or Le Chat's chat-<id>.json)`,
  );
}

async function readZip(path: string): Promise<ExportFile[]> {
  const Zip = await loadJszip();
  let zip: JSZip;
  try {
    zip = await Zip.loadAsync(await readFile(path));
  } catch (error) {
    throw new MemoryError(
      'load_failed',
      `${path}: cannot read the export: not a zip archive, or a truncated one`,
      {
        cause: error,
      },
    );
  }
  const entries = Object.values(zip.files).filter((entry) => !entry.dir);
  // ChatGPT and Claude: one conversations.json (the shallowest, should a copy sit deeper).
  const conversations = entries
    .filter((entry) => basename(entry.name) === 'conversations.json')
    .sort((left, right) => left.name.split('/').length - right.name.split('/').length)[0];
  // Le Chat: chat-<id>.json files; attachments live in chat-<id>-files/ folders and are not read.
  const chosen = conversations
    ? [conversations]
    : entries.filter((entry) => leChatFileName.test(basename(entry.name)) && !/-files\//.test(entry.name));
  if (chosen.length === 0)
    throw new MemoryError(
      'unsupported_format',
      `${path}: no conversations.json nor chat-<id>.json inside: not a ChatGPT, Claude or Le Chat export`,
    );
  const files: ExportFile[] = [];
  for (const entry of chosen.sort((left, right) => left.name.localeCompare(right.name))) {
    try {
      files.push({ name: `${path} (${entry.name})`, text: await entry.async('string') });
    } catch (error) {
      throw new MemoryError('load_failed', `${path} (${entry.name}): cannot be read from the archive`, {
        cause: error,
      });
    }
  }
  return files;
}

async function readFolder(path: string): Promise<ExportFile[]> {
  const names = await readdir(path);
  const chosen = names.includes('conversations.json')
    ? ['conversations.json']
    : names.filter((name) => leChatFileName.test(name)).sort();
  if (chosen.length === 0)
    throw new MemoryError(
      'unsupported_format',
      `${path}: no conversations.json nor chat-<id>.json in this folder: not an unpacked conversation export`,
    );
  return Promise.all(
    chosen.map(async (name) => ({ name: join(path, name), text: await readFile(join(path, name), 'utf8') })),
  );
}

/**
 * Reads a conversation export whole: a `.zip` as downloaded, its `conversations.json`, a Le Chat
 * `chat-<id>.json`, or a folder holding the unpacked export. The provider is told by the JSON's
 * shape. Everything is parsed and checked before anything is returned, so a truncated or malformed
 * export fails here (`load_failed` naming the file and the line and column, or the conversation and
 * field) and never half-way through an ingest.
 */
export async function readConversationExport(path: string): Promise<ConversationExport> {
  const absolute = resolve(path);
  let isFolder: boolean;
  try {
    isFolder = (await stat(absolute)).isDirectory();
  } catch (error) {
    throw new MemoryError('not_found', `${absolute}: no such file or folder`, { cause: error });
  }
  const extension = extname(absolute).toLowerCase();
  let files: ExportFile[];
  if (isFolder) files = await readFolder(absolute);
  else if (extension === '.zip') files = await readZip(absolute);
  else if (extension === '.json') files = [{ name: absolute, text: await readFile(absolute, 'utf8') }];
  else
    throw new MemoryError(
      'unsupported_format',
      `${absolute}: a conversation export is a .zip, a .json or a folder, not ${extension || 'a file without extension'}`,
    );
  let provider: ConversationProvider | null = null;
  const conversations: Conversation[] = [];
  for (const file of files) {
    const read = readConversationsJson(parseExportJson(file.text, file.name), file.name);
    if (read.provider && provider && read.provider !== provider)
      throw new MemoryError(
        'unsupported_format',
        `${file.name}: a ${read.provider} file in a ${provider} export`,
      );
    provider ??= read.provider;
    conversations.push(...read.conversations);
  }
  return { path: absolute, provider, conversations };
}
