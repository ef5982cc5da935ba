// How a passage of the user's knowledge is cited, from its source's metadata (the metadata contract of
// issue 17): a conversation names its provider, title and the message the passage is in; a note its
// path in the vault; code its file and lines; a document its file name and page.
import { basename } from 'node:path';
import { pageAtOffset, readPageStarts } from '@klody/memory';

/** Where a message begins in a stored conversation: @klody/memory's `messageAtOffset`. */
export type MessageResolver = (
  metadata: Readonly<Record<string, unknown>>,
  offset: number,
) => { index: number; speaker: string; at: string | null } | null;

export interface CitedSource {
  uri: string;
  title: string | null;
  metadata: Readonly<Record<string, unknown>>;
}

export interface CitedPassage {
  /** Offsets into the stored (normalized) source text. */
  start: number;
  end: number;
}

export interface CitationLabelOptions {
  /** The source's stored text: code is cited by lines, counted in it. */
  sourceText?: string | null;
  /** Without it a conversation is cited by its title and date only. */
  messageAt?: MessageResolver | null;
}

const providerNames: Readonly<Record<string, string>> = {
  chatgpt: 'ChatGPT',
  claude: 'Claude',
  lechat: 'Le Chat',
};

/** The day of an ISO 8601 time (`2024-03-01`), or null. */
function day(value: unknown): string | null {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** 1-based lines `start`–`end` of a passage (the contract's `lineRange`: the last character counts). */
export function passageLines(
  sourceText: string,
  start: number,
  end: number,
): { startLine: number; endLine: number } {
  const lineOf = (offset: number) => {
    let line = 1;
    for (
      let index = sourceText.indexOf('\n');
      index !== -1 && index < offset;
      index = sourceText.indexOf('\n', index + 1)
    )
      line++;
    return line;
  };
  const startLine = lineOf(start);
  return { startLine, endLine: Math.max(startLine, lineOf(Math.max(start, end - 1))) };
}

function conversationLabel(
  source: CitedSource,
  passage: CitedPassage,
  options: CitationLabelOptions,
): string {
  const provider = text(source.metadata.provider);
  const name = provider ? (providerNames[provider] ?? provider) : 'chat';
  const title = text(source.title) ?? text(source.metadata.conversationId) ?? source.uri;
  const label = `${name} conversation "${title}"`;
  const message = options.messageAt?.(source.metadata, passage.start) ?? null;
  if (message) {
    const when = day(message.at);
    return `${label}, ${message.speaker} message ${when ? `of ${when}` : `#${message.index + 1}`}`;
  }
  const created = day(source.metadata.createdAt);
  return created ? `${label} of ${created}` : label;
}

function codeLabel(source: CitedSource, passage: CitedPassage, options: CitationLabelOptions): string {
  const path = text(source.metadata.path) ?? text(source.title) ?? basename(source.uri);
  if (!options.sourceText) return path;
  const { startLine, endLine } = passageLines(options.sourceText, passage.start, passage.end);
  return startLine === endLine ? `${path}:${startLine}` : `${path}:${startLine}-${endLine}`;
}

function documentLabel(source: CitedSource, passage: CitedPassage): string {
  // A file name, not a full path: the label is read by the model and the user, and the path is in `data`.
  const name = source.uri.includes('/') ? basename(source.uri) : (text(source.title) ?? source.uri);
  const pages = readPageStarts(source.metadata);
  if (!pages) return name;
  // A passage may run over a page break: both pages are named, so the user finds all of it.
  const first = pageAtOffset(pages, passage.start);
  const last = pageAtOffset(pages, Math.max(passage.start, passage.end - 1));
  return first === last ? `${name}, page ${first}` : `${name}, pages ${first}-${last}`;
}

/**
 * The label a passage is cited with, e.g. `ChatGPT conversation "Trip to Lyon", user message of
 * 2024-03-01`, `note Projects/Klody.md`, `src/file.ts:40-62`, `cv.pdf, page 2` (or `pages 2-3`). A source without a
 * `kind` (stored before the contract) reads as a document.
 */
export function citationLabel(
  source: CitedSource,
  passage: CitedPassage,
  options: CitationLabelOptions = {},
): string {
  switch (source.metadata.kind) {
    case 'conversation':
      return conversationLabel(source, passage, options);
    case 'note':
      return `note ${text(source.metadata.path) ?? basename(source.uri)}`;
    case 'code':
      return codeLabel(source, passage, options);
    default:
      return documentLabel(source, passage);
  }
}
