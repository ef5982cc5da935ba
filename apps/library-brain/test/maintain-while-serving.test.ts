// `library-brain maintain` from its own process while `serve` answers from the same database: every
// question asked during the integrity check, the full-text rebuild and the VACUUM is answered, with
// the same answer as before.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot, sourceArguments, startLibraryBrain, testDataPath } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';

const questions = ["Qu'enseignait Pangloss ?", 'Who is the White Rabbit?', 'What did Ahab seek?'];

describeRequiring(
  { data: ['books/fr/Candide.txt', 'books/en/11-0.txt', 'books/en/2701-0.txt'] },
  'library-brain maintain while serve answers',
  () => {
    const reaper = useProcessReaper();

    it('checks, rebuilds the full-text index and vacuums while every question is answered the same', async () => {
      const home = mkdtempSync(join(tmpdir(), 'klody-maintain-serve-'));
      const seed = join(home, 'seed');
      mkdirSync(seed);
      copyFileSync(testDataPath('books', 'fr', 'Candide.txt'), join(seed, 'Candide.txt'));
      copyFileSync(testDataPath('books', 'en', '11-0.txt'), join(seed, 'alice.txt'));
      copyFileSync(testDataPath('books', 'en', '2701-0.txt'), join(seed, 'moby-dick.txt'));
      const server = await startLibraryBrain(reaper, { home, seed, env: { KLODY_LOG_LEVEL: 'info' } });
      await server.process.waitForOutput('first run: 3 books ingested', 120_000);

      const ask = async (question: string) => {
        const response = await fetch(`${server.url}/api/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question }),
        });
        const body = (await response.json()) as {
          answer: string;
          citations: { start: number; end: number }[];
        };
        return {
          status: response.status,
          answer: body.answer,
          citations: body.citations?.map((c) => [c.start, c.end]),
        };
      };
      const before = await Promise.all(questions.map(ask));
      for (const answer of before) expect(answer.status).toBe(200);

      const maintain = reaper.spawn(
        process.execPath,
        sourceArguments('apps/library-brain/src/cli.ts', [
          'maintain',
          '--rebuild-full-text',
          '--vacuum',
          'always',
          '--json',
        ]),
        { cwd: repositoryRoot(), env: { ...process.env, KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' } },
      );
      // Questions from the moment maintenance begins until the process is done.
      await maintain.waitForOutput('integrity:', 60_000);
      let finished = false;
      void maintain.exited.then(() => {
        finished = true;
      });
      const during: Awaited<ReturnType<typeof ask>>[] = [];
      for (let round = 0; !finished || round === 0; round++)
        during.push(await ask(questions[round % questions.length] as string));
      const exit = await maintain.exited;
      expect(exit.code, maintain.output()).toBe(0);
      const report = JSON.parse(maintain.stdout().trim()) as {
        integrity: { ok: boolean };
        fullText: { table: string; action: string }[];
        vacuum: { done: boolean };
      };
      expect(report.integrity.ok).toBe(true);
      expect(report.fullText.find((entry) => entry.table === 'memory_fts')?.action).toBe('rebuilt');
      expect(report.vacuum.done).toBe(true);

      expect(during.length).toBeGreaterThan(0);
      for (const [index, answer] of during.entries())
        expect(answer).toEqual(before[index % questions.length]);
      expect(await Promise.all(questions.map(ask))).toEqual(before);
    });
  },
);
