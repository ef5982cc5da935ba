import { describe, expect, it } from 'vitest';
import type { Citation } from '../library/library.js';
import { historyKey, messageText, openAiErrorType, questionOf, sourcesText } from './openai-chat.js';

const citation = (n: number, chapter: string | null, page: number | null): Citation => ({
  n,
  book: 'Moby Dick',
  bookId: 2,
  chapter,
  start: 10,
  end: 20,
  text: 'Call me Ishmael.   Some years ago—never mind how long precisely',
  page,
});

describe('the OpenAI request', () => {
  it('reads text from a string or from text parts', () => {
    expect(messageText({ role: 'user', content: 'Hello' })).toBe('Hello');
    expect(
      messageText({
        role: 'user',
        content: [
          { type: 'text', text: 'Who is' },
          { type: 'image_url', image_url: { url: 'x' } },
          { type: 'text', text: 'Ahab?' },
        ],
      }),
    ).toBe('Who is\nAhab?');
    expect(messageText({ role: 'assistant', content: null })).toBe('');
  });

  it("takes the last message as the question, only when it is the user's", () => {
    expect(
      questionOf([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: ' Who is Ahab? ' },
      ]),
    ).toEqual({ question: 'Who is Ahab?', history: [{ role: 'system', content: 'Be brief.' }] });
    expect(questionOf([{ role: 'assistant', content: 'Hi' }])).toEqual({
      problem: "the last message must be the user's question (it is assistant)",
    });
    expect(questionOf([{ role: 'user', content: '   ' }])).toEqual({
      problem: "the last message (the user's question) has no text",
    });
  });

  it('keys a history by its user and assistant turns, spacing and system messages aside', () => {
    const turns = [
      { role: 'user' as const, content: 'Who is Ahab?' },
      { role: 'assistant' as const, content: 'The captain [1].\n\nSources:\n[1] Moby Dick' },
    ];
    const key = historyKey(turns);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(
      historyKey([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Who is  Ahab?' },
        { role: 'assistant', content: 'The captain [1]. Sources: [1] Moby Dick' },
      ]),
    ).toBe(key);
    expect(
      historyKey([{ role: 'user', content: 'Who is Ishmael?' }, turns[1] as (typeof turns)[1]]),
    ).not.toBe(key);
    expect(historyKey([{ role: 'system', content: 'Be brief.' }])).toBeNull();
  });
});

describe('the OpenAI answer', () => {
  it('lists the sources with chapter, page and an excerpt', () => {
    expect(sourcesText([citation(1, 'CHAPTER 1. Loomings.', null), citation(2, null, 7)], 'en')).toBe(
      '\n\nSources:\n' +
        '[1] Moby Dick — CHAPTER 1. Loomings.: “Call me Ishmael. Some years ago—never mind how long precisely”\n' +
        '[2] Moby Dick — p. 7: “Call me Ishmael. Some years ago—never mind how long precisely”',
    );
    expect(sourcesText([citation(1, null, null)], 'fr')).toContain('[1] Moby Dick: « Call me Ishmael.');
    expect(sourcesText([], 'en')).toBe('');
  });

  it("names OpenAI's error type for a status", () => {
    expect([400, 401, 403, 404, 413, 429, 500, 502].map(openAiErrorType)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'invalid_request_error',
      'rate_limit_error',
      'api_error',
      'api_error',
    ]);
  });
});
