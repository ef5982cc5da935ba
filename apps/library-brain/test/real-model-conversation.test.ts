// Follow-up questions with a real chat model: the gateway's command (a real process) serves Gemma 3
// 270M on its embedded worker, and Library Brain asks it to rewrite each follow-up into a standalone
// question. Gemma 3 270M is a *base* model: it continues text rather than following instructions,
// so its rewrites are mostly junk. This test asserts the contract, not the model's quality: each
// rewrite is either used (and shown as `standaloneQuestion`) or refused with the reason reported
// (`rewrite.fallback`, the previous question's words carried over instead); every answer is still
// only from the book, cited with passages that are the book's text, in one stored conversation. The
// rewrites seen are printed for the report.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayProcess, testDataPath } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLibrary } from '../src/library/create-library.js';
import type { Answer, Library } from '../src/library/library.js';
import { gemmaLibraryConfig, startGemmaGateway } from './support/gemma-gateway.js';

const gatewayFailures = ['gateway_unreachable', 'gateway_error', 'gateway_timeout'];

describeRequiring(
  { models: ['gemma-3-270m'], data: ['books/en/11-0.txt'] },
  'follow-up questions rewritten by Gemma 3 270M through the gateway',
  () => {
    const reaper = useProcessReaper();
    const home = mkdtempSync(join(tmpdir(), 'klody-real-conversation-'));
    let gateway: GatewayProcess | undefined;
    let library: Library | undefined;

    beforeAll(async () => {
      gateway = await startGemmaGateway(reaper, home);
      library = await createLibrary(gemmaLibraryConfig(home, gateway.url));
      const books = join(home, 'books');
      mkdirSync(books);
      copyFileSync(testDataPath('books', 'en', '11-0.txt'), join(books, 'alice.txt'));
      expect((await library.ingest([books])).added).toBe(1);
    }, 180_000);

    afterAll(async () => {
      await library?.close();
      await gateway?.stop();
    }, 40_000);

    it('answers follow-ups in one conversation, each rewrite shown or its refusal reported, every answer cited from the book', async () => {
      const current = library as Library;
      const questions = [
        'What does the White Rabbit take out of its waistcoat-pocket?',
        'Where did Alice follow it?',
        'And the Cheshire Cat?',
        'Why does it grin?',
      ];
      const answers: Answer[] = [];
      for (const question of questions) {
        const previous = answers.at(-1);
        const answer = await current.ask(
          question,
          previous ? { conversationId: previous.conversationId } : {},
        );
        answers.push(answer);
        console.log(
          `[real-model conversation] ${JSON.stringify({
            question,
            standaloneQuestion: answer.standaloneQuestion,
            rewrite: answer.rewrite,
            mode: answer.mode,
            refused: answer.refused,
            fallback: answer.fallback?.code ?? null,
            answer: answer.answer.slice(0, 160),
          })}`,
        );
      }

      const [first, ...followUps] = answers as [Answer, ...Answer[]];
      expect(first.rewrite).toBeNull();
      expect(first.standaloneQuestion).toBeNull();
      // The gateway answered: the chat model was there to be asked for every rewrite.
      for (const answer of answers) expect(gatewayFailures).not.toContain(answer.fallback?.code);
      for (const answer of followUps) {
        expect(answer.conversationId).toBe(first.conversationId);
        const rewrite = answer.rewrite;
        expect(rewrite).not.toBeNull();
        if (rewrite?.method === 'chat_model') {
          // Used: shown, and no fallback.
          expect(answer.standaloneQuestion).toEqual(expect.any(String));
          expect(rewrite.fallback).toBeNull();
        } else {
          // Refused or failed: the reason is reported, and the words carried over (or the question as asked).
          expect(rewrite?.fallback).toMatch(/^the chat model/);
          if (rewrite?.method === 'carried_terms') expect(answer.standaloneQuestion).toMatch(/\(.+\)$/);
          else expect(answer.standaloneQuestion).toBeNull();
        }
      }
      // Only from the book, cited: every citation is the book's own text at its offsets.
      for (const answer of answers) {
        if (answer.refused) {
          expect(answer.citations).toEqual([]);
          continue;
        }
        expect(answer.citations.length).toBeGreaterThan(0);
        for (const citation of answer.citations)
          expect(current.passage(citation.bookId, citation.start, citation.end)?.text).toBe(citation.text);
      }
      const stored = current.conversation(first.conversationId);
      expect(stored?.turns.map((turn) => turn.question)).toEqual(questions);
      const used = followUps.filter((answer) => answer.rewrite?.method === 'chat_model').length;
      console.log(`[real-model conversation] rewrites used: ${used} of ${followUps.length}`);
    }, 900_000);
  },
);
