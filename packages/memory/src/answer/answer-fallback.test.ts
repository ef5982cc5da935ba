import { describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import type { Generator } from '../generator/generator.js';
import { createIngester } from '../ingest/ingester.js';
import { createLexicalRetriever } from '../retriever/hybrid-retriever.js';
import { migrate } from '../store/migrate.js';
import { createFakeGenerator } from '../testing/fake-generator.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { type AnswerFallback, createAnswerer } from './answerer.js';

const question = 'When did the keeper light the lamp?';

async function library() {
  const database = createInMemoryDatabase();
  await migrate(database);
  await createIngester({ database }).ingest([
    {
      uri: 'doc://lighthouse',
      title: 'The Lighthouse',
      text: 'The keeper climbed the tower every evening. He lit the great lamp at dusk so that ships could see the rocks.',
    },
  ]);
  return database;
}

/** A fake generator that streams a few words, then fails the way a broken upstream does. */
function createFakeFailingGenerator(error: unknown): Generator {
  return {
    id: 'fake:failing',
    async generate() {
      throw error;
    },
    async *stream() {
      yield 'The keeper ';
      throw error;
    },
  };
}

describe('createAnswerer with fallbackToExtractive', () => {
  it('answers extractively, and says why, when the generator fails mid-stream', async () => {
    const database = await library();
    const failure = new MemoryError(
      'generator_failed',
      'http://127.0.0.1:9/v1/chat/completions answered 500',
    );
    const answerer = createAnswerer({
      retriever: createLexicalRetriever({ database }),
      database,
      generator: createFakeFailingGenerator(failure),
      fallbackToExtractive: true,
    });
    const events: string[] = [];
    const answer = await answerer.answer(question, {
      onText: (piece) => events.push(`text:${piece}`),
      onFallback: (fallback: AnswerFallback) => events.push(`fallback:${fallback.reason}`),
    });
    expect(answer).toMatchObject({ mode: 'extractive', refused: false });
    expect(answer.fallback).toEqual({ reason: 'generator_failed', message: failure.message, error: failure });
    expect(answer.text).toContain('He lit the great lamp at dusk');
    expect(answer.citations.length).toBeGreaterThan(0);
    // What was streamed before the failure is disowned before the extractive text follows.
    expect(events).toEqual(['text:The keeper ', 'fallback:generator_failed', `text:${answer.text}`]);
  });

  it('replaces an answer that cites no passage', async () => {
    const database = await library();
    const answerer = createAnswerer({
      retriever: createLexicalRetriever({ database }),
      database,
      generator: createFakeGenerator('The keeper lit the lamp at dusk.'),
      fallbackToExtractive: true,
    });
    const answer = await answerer.answer(question);
    expect(answer.mode).toBe('extractive');
    expect(answer.fallback?.reason).toBe('uncited_answer');
    expect(answer.citations.length).toBeGreaterThan(0);
  });

  // The fake generator below writes wrong citations on purpose: a number naming no supplied passage
  // (alone or beside a right one) and quotes that are in no passage. None may be shown as valid.
  it('replaces an answer that cites wrongly, even beside a right citation', async () => {
    const database = await library();
    for (const [reply, problem] of [
      ['The keeper lit the lamp at dusk [7].', '[7] names no passage'],
      ['The keeper lit the lamp at dusk [1][4].', '[4] names no passage'],
      ['He wrote "the lamp was never lit" in his log [1].', 'the quote "the lamp was never lit"'],
      ['Il a écrit « la lampe ne fut jamais allumée » [1].', 'the quote "la lampe ne fut jamais allumée"'],
    ] as const) {
      const events: string[] = [];
      const answerer = createAnswerer({
        retriever: createLexicalRetriever({ database }),
        database,
        generator: createFakeGenerator(reply),
        fallbackToExtractive: true,
      });
      const answer = await answerer.answer(question, {
        onText: (piece) => events.push(piece),
        onFallback: (fallback) => events.push(`fallback:${fallback.reason}`),
      });
      expect(answer.mode).toBe('extractive');
      expect(answer.fallback?.reason).toBe('invalid_citation');
      expect(answer.fallback?.message).toContain(problem);
      // What is shown instead: the extractive answer, whose every [n] is a citation it lists.
      expect(answer.text).not.toBe(reply);
      const shown = [...answer.text.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
      expect(shown.length).toBeGreaterThan(0);
      for (const number of shown)
        expect(answer.citations.map((citation) => citation.number)).toContain(number);
      // The generated text streamed first is disowned before the extractive text follows.
      expect(events.indexOf('fallback:invalid_citation')).toBeGreaterThan(0);
      expect(events.at(-1)).toBe(answer.text);
    }
  });

  // A fake generator that behaves as Gemma 3 270M base did in the gate: it continues the prompt,
  // repeating the instructions with their example citations ("[1] or [2][3]") and nothing else.
  it('replaces an answer that repeats the instructions, although its numbers name supplied passages', async () => {
    const database = await library();
    const answerer = createAnswerer({
      retriever: createLexicalRetriever({ database }),
      database,
      generator: createFakeGenerator(
        (messages) => `${messages[0]?.content.split('\n').slice(0, 2).join('\n')}\n[1]`,
      ),
      fallbackToExtractive: true,
    });
    const answer = await answerer.answer(question);
    expect(answer.mode).toBe('extractive');
    expect(answer.fallback?.reason).toBe('echoed_prompt');
    expect(answer.text).toContain('He lit the great lamp at dusk');
  });

  it('keeps an answer whose quote is in the passage, spacing and case aside', async () => {
    const database = await library();
    const answerer = createAnswerer({
      retriever: createLexicalRetriever({ database }),
      database,
      generator: createFakeGenerator('He "lit the great  LAMP at dusk" [1].'),
      fallbackToExtractive: true,
    });
    const answer = await answerer.answer(question);
    expect(answer).toMatchObject({ mode: 'generated', fallback: null });
    expect(answer.citations.map((citation) => citation.number)).toEqual([1]);
  });

  it('keeps a cited answer and a refusal from the generator', async () => {
    const database = await library();
    for (const [reply, mode] of [
      ['He lit it at dusk [1].', 'generated'],
      ['The sources do not contain the answer.', 'refusal'],
    ] as const) {
      const answerer = createAnswerer({
        retriever: createLexicalRetriever({ database }),
        database,
        generator: createFakeGenerator(reply),
        fallbackToExtractive: true,
      });
      const answer = await answerer.answer(question);
      expect(answer.mode).toBe(mode);
      expect(answer.fallback).toBeNull();
    }
  });

  it('throws a cancellation, and throws the failure without the option', async () => {
    const database = await library();
    const aborted = createAnswerer({
      retriever: createLexicalRetriever({ database }),
      database,
      generator: createFakeFailingGenerator(new MemoryError('aborted', 'generation aborted')),
      fallbackToExtractive: true,
    });
    await expect(aborted.answer(question, { onText: () => {} })).rejects.toMatchObject({ code: 'aborted' });
    const strict = createAnswerer({
      retriever: createLexicalRetriever({ database }),
      database,
      generator: createFakeFailingGenerator(new MemoryError('generator_failed', 'broken')),
    });
    await expect(strict.answer(question)).rejects.toMatchObject({ code: 'generator_failed' });
    const uncited = createAnswerer({
      retriever: createLexicalRetriever({ database }),
      database,
      generator: createFakeGenerator('No citation here.'),
    });
    expect(await uncited.answer(question)).toMatchObject({ mode: 'generated', fallback: null });
    // Without the option a wrong citation is returned as generated, but never listed as a citation,
    // and its score says what is wrong.
    const miscited = createAnswerer({
      retriever: createLexicalRetriever({ database }),
      database,
      generator: createFakeGenerator('He lit it at dusk [1][9].'),
    });
    const answer = await miscited.answer(question);
    expect(answer.citations.map((citation) => citation.number)).toEqual([1]);
    expect(answer.score).toMatchObject({ valid: false, invalidCitations: [9] });
  });
});
