import { MemoryError } from '@klody/memory';
import { createFakeGenerator } from '@klody/memory/testing';
import { describe, expect, it } from 'vitest';
import { createQuestionRewriter, type EarlierTurn } from './question-rewrite.js';

const history: EarlierTurn[] = [
  {
    question: 'Who is Captain Ahab?',
    standaloneQuestion: null,
    answer: 'Ahab is the captain of the Pequod [1].',
  },
];

describe('createQuestionRewriter', () => {
  it('never rewrites the first question of a conversation', async () => {
    const generator = createFakeGenerator('anything');
    const rewriter = createQuestionRewriter({ generator: () => generator });
    expect(await rewriter.rewrite('What ship does he command?', [])).toEqual({
      standaloneQuestion: null,
      rewrite: { method: 'as_asked', fallback: null },
    });
    expect(generator.calls).toHaveLength(0);
  });

  it('carries the previous question over without a chat model', async () => {
    const rewriter = createQuestionRewriter({ generator: () => null });
    expect(await rewriter.rewrite('What ship does he command?', history)).toEqual({
      standaloneQuestion: 'What ship does he command? (Captain Ahab)',
      rewrite: { method: 'carried_terms', fallback: null },
    });
    expect(await rewriter.rewrite('Who is Queequeg?', history)).toEqual({
      standaloneQuestion: null,
      rewrite: { method: 'as_asked', fallback: null },
    });
  });

  it('carries what the previous question was searched with to a follow-up pointing back, not to one naming its subject', async () => {
    const rewriter = createQuestionRewriter({ generator: () => null });
    const turns: EarlierTurn[] = [
      { question: 'Who is the White Rabbit?', standaloneQuestion: null, answer: '…' },
      {
        question: 'Where did Alice follow it?',
        standaloneQuestion: 'Where did Alice follow it? (White Rabbit)',
        answer: '…',
      },
    ];
    expect((await rewriter.rewrite('And the Cheshire Cat?', turns)).standaloneQuestion).toBe(
      'And the Cheshire Cat? (Alice follow)',
    );
    expect((await rewriter.rewrite('Why did she do it?', turns)).standaloneQuestion).toBe(
      'Why did she do it? (Alice follow White Rabbit)',
    );
    // A previous question with no word of its own passes on what it was searched with.
    const why: EarlierTurn = { question: 'Why?', standaloneQuestion: 'Why? (White Rabbit)', answer: '…' };
    expect((await rewriter.rewrite('And the Queen?', [...turns, why])).standaloneQuestion).toBe(
      'And the Queen? (White Rabbit)',
    );
  });

  it("uses the chat model's rewrite when it passes the checks, the conversation in its prompt", async () => {
    const generator = createFakeGenerator('What ship does Captain Ahab command?');
    const rewriter = createQuestionRewriter({ generator: () => generator });
    expect(await rewriter.rewrite('What ship does he command?', history)).toEqual({
      standaloneQuestion: 'What ship does Captain Ahab command?',
      rewrite: { method: 'chat_model', fallback: null },
    });
    const prompt = generator.calls[0]?.map((message) => message.content).join('\n') ?? '';
    // The conversation last, after the worked examples, ending where the rewrite is to be written;
    // the citation markers are taken out of the earlier answer.
    expect(prompt).toMatch(
      /Earlier question: Who is Captain Ahab\?\nEarlier answer: Ahab is the captain of the Pequod\.\nFollow-up question: What ship does he command\?\nStandalone question:$/,
    );
  });

  it("falls back to carried words when the chat model's rewrite is junk, and says why", async () => {
    const rewriter = createQuestionRewriter({
      generator: () => createFakeGenerator('The Pequod was a whaler out of Nantucket, and the men of the'),
    });
    const result = await rewriter.rewrite('What ship does he command?', history);
    expect(result.standaloneQuestion).toBe('What ship does he command? (Captain Ahab)');
    expect(result.rewrite.method).toBe('carried_terms');
    expect(result.rewrite.fallback).toBe(
      'the chat model\'s rewrite was not used: the chat model answered instead of rewriting ("The Pequod was a whaler out of Nantucket, and the men of the")',
    );
  });

  it('falls back when the chat model fails, reporting the failure', async () => {
    const failures: MemoryError[] = [];
    const rewriter = createQuestionRewriter({
      generator: () => ({
        id: 'failing',
        generate: async () => {
          throw new MemoryError('generator_failed', 'the gateway answered 500');
        },
        stream: () => {
          throw new Error('not used');
        },
      }),
      onGeneratorFailure: (error) => failures.push(error),
    });
    const result = await rewriter.rewrite('And Queequeg?', history);
    expect(result).toEqual({
      standaloneQuestion: 'And Queequeg? (Captain Ahab)',
      rewrite: {
        method: 'carried_terms',
        fallback: 'the chat model failed to rewrite the question (the gateway answered 500)',
      },
    });
    expect(failures.map((failure) => failure.code)).toEqual(['generator_failed']);
  });

  it('lets a cancellation through', async () => {
    const controller = new AbortController();
    controller.abort();
    const rewriter = createQuestionRewriter({
      generator: () => ({
        id: 'cancelled',
        generate: async () => {
          throw new MemoryError('aborted', 'generation aborted');
        },
        stream: () => {
          throw new Error('not used');
        },
      }),
    });
    await expect(rewriter.rewrite('And Queequeg?', history, controller.signal)).rejects.toMatchObject({
      code: 'aborted',
    });
  });
});
