import { describe, expect, it } from 'vitest';
import {
  encodeMessageOffsets,
  messageAtOffset,
  messagesInRange,
  readMessageOffsets,
} from './message-offsets.js';

const metadata = encodeMessageOffsets([
  { start: 10, speaker: 'user', at: '2024-03-01T10:02:00.000Z' },
  { start: 50, speaker: 'assistant', at: null },
  { start: 90, speaker: 'user', at: '2024-03-01T10:07:00.000Z' },
]);

describe('messageAtOffset', () => {
  it('finds the message whose heading starts at or before the offset', () => {
    expect(metadata).toEqual({
      messageStarts: '10,50,90',
      messageSpeakers: 'user,assistant,user',
      messageTimes: '2024-03-01T10:02:00.000Z,,2024-03-01T10:07:00.000Z',
    });
    expect(messageAtOffset(metadata, 9)).toBeNull();
    expect(messageAtOffset(metadata, 10)).toEqual({
      index: 0,
      speaker: 'user',
      at: '2024-03-01T10:02:00.000Z',
    });
    expect(messageAtOffset(metadata, 49)).toMatchObject({ index: 0 });
    expect(messageAtOffset(metadata, 50)).toEqual({ index: 1, speaker: 'assistant', at: null });
    expect(messageAtOffset(metadata, 5_000)).toMatchObject({ index: 2, speaker: 'user' });
  });

  it('is null for a source that is not a conversation or whose lists disagree', () => {
    expect(messageAtOffset({ kind: 'note' }, 0)).toBeNull();
    expect(messageAtOffset({ ...metadata, messageSpeakers: 'user,assistant' }, 60)).toBeNull();
    expect(messageAtOffset({ ...metadata, messageStarts: '10,5,90' }, 60)).toBeNull();
    expect(messageAtOffset({ ...metadata, messageSpeakers: 'user,robot,user' }, 60)).toBeNull();
    expect(readMessageOffsets({ ...metadata, messageStarts: '' })).toBeNull();
  });
});

describe('messagesInRange', () => {
  it('lists every message a passage overlaps', () => {
    expect(messagesInRange(metadata, 0, 10)).toEqual([]);
    expect(messagesInRange(metadata, 12, 40).map((message) => message.index)).toEqual([0]);
    expect(messagesInRange(metadata, 40, 51).map((message) => message.index)).toEqual([0, 1]);
    expect(messagesInRange(metadata, 50, 90).map((message) => message.index)).toEqual([1]);
    expect(messagesInRange(metadata, 0, 1_000).map((message) => message.index)).toEqual([0, 1, 2]);
    expect(messagesInRange({ kind: 'note' }, 0, 1_000)).toEqual([]);
  });
});
