import type { ChatMessage, Generator, NumberedPassage } from '@klody/memory';
import { MemoryError } from '@klody/memory';
import { describe, expect, it } from 'vitest';
import {
  citedNumbers,
  groupPassages,
  keySentences,
  renumberCitations,
  type SummaryProgress,
  summariseChapter,
} from './whole-book-summary.js';

function passage(number: number, text: string): NumberedPassage {
  return {
    number,
    chunk: {
      chunkId: number,
      sourceId: 1,
      sourceUri: 'book.txt',
      sourceTitle: 'Book',
      ordinal: number,
      start: number * 1000,
      end: number * 1000 + text.length,
      text,
      heading: 'Chapter 1',
      score: 0,
      ranks: { lexical: null, vector: null },
      neighbour: false,
    },
  };
}

const passages = Array.from({ length: 6 }, (_, index) =>
  passage(
    index + 1,
    `The captain walked along the harbour wall at dawn number ${index}. ` +
      `He watched the whaling ships prepare their sails for the long voyage ahead. ` +
      `Nobody spoke to him while the sailors loaded barrels of water and biscuits.`,
  ),
);

/** A fake chat model for the map-reduce logic: answers from a script, records what it was asked. */
function fakeGenerator(answer: (messages: readonly ChatMessage[], call: number) => string): Generator & {
  calls: ChatMessage[][];
} {
  const calls: ChatMessage[][] = [];
  return {
    id: 'fake-generator',
    calls,
    async generate(messages) {
      calls.push([...messages]);
      return answer(messages, calls.length);
    },
    async *stream() {
      yield '';
    },
  };
}

describe('citation numbers', () => {
  it('reads and renumbers [n] groups', () => {
    expect(citedNumbers('A [2]. B [1, 3]. C [2; 4]')).toEqual([2, 1, 3, 4]);
    expect(renumberCitations('A [2]. B [1, 3].', (number) => number + 10)).toBe('A [12]. B [11, 13].');
  });
});

describe('groupPassages', () => {
  it('keeps passages in order within the budget', () => {
    const groups = groupPassages(passages, 120);
    expect(groups.flat().map((entry) => entry.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(groups.length).toBeGreaterThan(1);
    expect(groupPassages(passages, 100_000)).toHaveLength(1);
  });
});

describe('keySentences', () => {
  it('cites one key sentence from each stretch of the chapter, in order', () => {
    const summary = keySentences(passages, 'en', 3);
    expect(summary.cited).toHaveLength(3);
    expect(summary.cited).toEqual([...summary.cited].sort((left, right) => left - right));
    for (const number of summary.cited) expect(summary.text).toContain(`[${number}]`);
    const sentence = summary.text.split(' [')[0] as string;
    expect(passages.some((entry) => entry.chunk.text.includes(sentence))).toBe(true);
  });
});

describe('summariseChapter', () => {
  const base = {
    passages,
    language: 'en' as const,
    book: 'Moby Dick',
    chapter: 'CHAPTER 1. Loomings.',
    promptTokens: 260,
    answerTokens: 100,
  };

  it('without a chat model: key sentences, cited', async () => {
    const summary = await summariseChapter({ ...base, generator: null });
    expect(summary.generated).toBe(0);
    expect(summary.fallback).toBeNull();
    expect(summary.cited.length).toBeGreaterThan(0);
  });

  it('maps each group with numbers from 1, then combines with the chapter numbers kept', async () => {
    const progress: SummaryProgress[] = [];
    const generator = fakeGenerator((messages) =>
      messages[0]?.content.startsWith('You combine')
        ? 'The captain waits at the harbour [1] while the ships get ready [4].'
        : 'The captain watches the ships [1]. The sailors load water [2].',
    );
    const summary = await summariseChapter({
      ...base,
      generator,
      onProgress: (entry) => progress.push(entry),
    });
    expect(summary.groups).toBeGreaterThan(1);
    expect(summary.generated).toBe(summary.groups);
    expect(summary.fallback).toBeNull();
    // Every map prompt numbers its passages from 1.
    for (const call of generator.calls.filter((messages) => !messages[0]?.content.startsWith('You combine')))
      expect(call[1]?.content).toMatch(/^Book: Moby Dick\nChapter: CHAPTER 1\. Loomings\.\n\n\[1\]\n/);
    const combine = generator.calls.find((messages) => messages[0]?.content.startsWith('You combine'));
    // The second group's [1] became its first passage's number in the chapter.
    const firstGroupSize = generator.calls[0]?.[1]?.content.match(/^\[\d+\]$/gm)?.length ?? 0;
    const secondFirst = firstGroupSize + 1;
    expect(firstGroupSize).toBeGreaterThan(0);
    expect(combine?.[1]?.content).toContain(`[${secondFirst}]`);
    expect(summary.text).toBe('The captain waits at the harbour [1] while the ships get ready [4].');
    expect(progress.at(-1)).toMatchObject({ stage: 'combining' });
    expect(progress.some((entry) => entry.stage === 'summarising' && entry.done === entry.total)).toBe(true);
  });

  it('replaces a group summary that cites a passage it was not given, and a combination that invents one', async () => {
    const generator = fakeGenerator((messages, call) => {
      if (messages[0]?.content.startsWith('You combine')) return 'Everything happens [99].';
      return call === 1 ? 'The captain sails [7].' : 'The sailors load water [1].';
    });
    const summary = await summariseChapter({ ...base, generator });
    expect(summary.fallback).toMatchObject({ code: 'invalid_citation' });
    expect(summary.generated).toBe(summary.groups - 1);
    expect(summary.text).not.toContain('[7]');
    expect(summary.text).not.toContain('[99]');
    expect(summary.cited.every((number) => number >= 1 && number <= passages.length)).toBe(true);
  });

  it('stops asking a chat model that failed, and says so', async () => {
    const generator = fakeGenerator(() => {
      throw new MemoryError('generator_failed', 'the gateway answered 500');
    });
    const summary = await summariseChapter({ ...base, generator });
    expect(generator.calls).toHaveLength(1);
    expect(summary.generated).toBe(0);
    expect(summary.fallback).toMatchObject({ code: 'gateway_error', message: 'the gateway answered 500' });
    expect(summary.cited.length).toBeGreaterThan(0);
  });

  it('refuses an echo of the instructions and an uncited summary', async () => {
    const echo = fakeGenerator(
      () => 'End every sentence with the numbers of the passages it comes from, in square brackets. [1]',
    );
    expect((await summariseChapter({ ...base, generator: echo })).fallback).toMatchObject({
      code: 'echoed_prompt',
    });
    const layout = fakeGenerator(() => 'The captain sails [1].\n\n[2]\nThe sailors load water and biscuits.');
    expect((await summariseChapter({ ...base, generator: layout })).fallback).toMatchObject({
      code: 'echoed_prompt',
    });
    const tail = fakeGenerator(
      () => 'The captain sails [1]. Then the sailors load barrels of water and biscuits for the long voyage',
    );
    expect((await summariseChapter({ ...base, generator: tail })).fallback).toMatchObject({
      code: 'uncited_answer',
      message: expect.stringMatching(/^its last words cite nothing/),
    });
    const uncited = fakeGenerator(() => 'The captain sails away.');
    expect((await summariseChapter({ ...base, generator: uncited })).fallback).toMatchObject({
      code: 'uncited_answer',
    });
  });
});
