import type { ConversationSpeaker } from './conversation.js';

// Where each message of a conversation begins in its stored text, so that a passage found by its
// offsets is cited with the message (who said it, when). Source metadata holds only scalars: like a
// PDF's `pageStarts`, the three lists travel as comma-separated strings.

/** Text offset of each message's heading, first message first: `"14,96,410"`. */
export const messageStartsKey = 'messageStarts';
/** Speaker of each message, same order: `"user,assistant,user"`. */
export const messageSpeakersKey = 'messageSpeakers';
/** ISO time of each message, same order, empty where unknown: `"2024-03-01T10:02:00.000Z,,…"`. */
export const messageTimesKey = 'messageTimes';

export interface MessageLocation {
  /** 0-based position of the message in the conversation as stored (add 1 to show it). */
  index: number;
  speaker: ConversationSpeaker;
  /** ISO 8601, or null when the export did not date the message. */
  at: string | null;
}

const speakers = new Set<string>(['user', 'assistant', 'system', 'tool']);

/** The three metadata entries for messages starting at `starts`. */
export function encodeMessageOffsets(
  messages: readonly { start: number; speaker: ConversationSpeaker; at: string | null }[],
): Record<string, string> {
  return {
    [messageStartsKey]: messages.map((message) => message.start).join(','),
    [messageSpeakersKey]: messages.map((message) => message.speaker).join(','),
    [messageTimesKey]: messages.map((message) => message.at ?? '').join(','),
  };
}

/** The messages recorded in a source's metadata, or null when it has none or they do not agree. */
export function readMessageOffsets(
  metadata: Readonly<Record<string, unknown>>,
): { start: number; speaker: ConversationSpeaker; at: string | null }[] | null {
  const starts = metadata[messageStartsKey];
  const speakerList = metadata[messageSpeakersKey];
  const times = metadata[messageTimesKey];
  if (typeof starts !== 'string' || starts.length === 0 || typeof speakerList !== 'string') return null;
  const startValues = starts.split(',').map(Number);
  const speakerValues = speakerList.split(',');
  const timeValues = typeof times === 'string' ? times.split(',') : [];
  if (speakerValues.length !== startValues.length) return null;
  const messages: { start: number; speaker: ConversationSpeaker; at: string | null }[] = [];
  for (const [index, start] of startValues.entries()) {
    const speaker = speakerValues[index] as string;
    if (!Number.isInteger(start) || start < 0 || !speakers.has(speaker)) return null;
    if (index > 0 && start < (startValues[index - 1] as number)) return null;
    messages.push({ start, speaker: speaker as ConversationSpeaker, at: timeValues[index] || null });
  }
  return messages;
}

/**
 * The message holding the character at `offset` of a conversation's stored text: the last message
 * whose heading starts at or before it. Null before the first message (the conversation's title),
 * or for a source that is not a conversation.
 */
export function messageAtOffset(
  metadata: Readonly<Record<string, unknown>>,
  offset: number,
): MessageLocation | null {
  const messages = readMessageOffsets(metadata);
  if (!messages || !Number.isFinite(offset)) return null;
  let low = 0;
  let high = messages.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((messages[middle] as { start: number }).start <= offset) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  if (found < 0) return null;
  const message = messages[found] as { speaker: ConversationSpeaker; at: string | null };
  return { index: found, speaker: message.speaker, at: message.at };
}

/**
 * Every message a passage `[start, end)` of the stored text overlaps, in order. The chunker joins
 * short neighbouring messages (a question and its short answer) into one chunk, so a cited chunk
 * may span several messages: a citation label can name them all ("messages 3–4"), or narrow the
 * offsets to the quoted sentence first and name one with `messageAtOffset`.
 */
export function messagesInRange(
  metadata: Readonly<Record<string, unknown>>,
  start: number,
  end: number,
): MessageLocation[] {
  const messages = readMessageOffsets(metadata);
  if (!messages) return [];
  const found: MessageLocation[] = [];
  for (const [index, message] of messages.entries()) {
    const messageEnd = messages[index + 1]?.start ?? Number.POSITIVE_INFINITY;
    if (message.start < end && messageEnd > start)
      found.push({ index, speaker: message.speaker, at: message.at });
  }
  return found;
}
