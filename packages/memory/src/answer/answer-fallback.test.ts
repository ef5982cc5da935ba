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

  it('replaces an answer that cites no passage, or only passages it was not given', async () => {
    const database = await library();
    for (const reply of ['The keeper lit the lamp at dusk.', 'The keeper lit the lamp at dusk [7].']) {
      const answerer = createAnswerer({
        retriever: createLexicalRetriever({ database }),
        database,
        generator: createFakeGenerator(reply),
        fallbackToExtractive: true,
      });
      const answer = await answerer.answer(question);
      expect(answer.mode).toBe('extractive');
      expect(answer.fallback?.reason).toBe('uncited_answer');
      expect(answer.citations.length).toBeGreaterThan(0);
    }
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
  });
});
