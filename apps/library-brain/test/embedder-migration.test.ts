// An embedder change, for real: books ingested without vectors, then `serve` with the gateway's
// multilingual-e5-small — the vectors are built in the background while questions are answered, the
// progress shows in /health; then `reindex` under another name of the same model only relabels.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromiumOptions,
  chromiumPath,
  type GatewayProcess,
  repositoryRoot,
  sourceArguments,
  startE5Gateway,
  startLibraryBrain,
} from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lighthousePages, pdfByHand } from './support/pdf-by-hand.js';

interface Health {
  vectors: {
    state: string;
    from: string | null;
    to: string | null;
    mode: string | null;
    done: number;
    total: number;
  };
}

describeRequiring(
  { models: ['multilingual-e5-small'], tools: [chromiumPath] },
  'changing the embedder of a library',
  () => {
    const reaper = useProcessReaper();
    let gateway: GatewayProcess;
    const home = mkdtempSync(join(tmpdir(), 'klody-embedder-change-'));

    beforeAll(async () => {
      gateway = await startE5Gateway(reaper);
    }, 120_000);
    afterAll(() => gateway?.stop(), 40_000);

    function libraryBrain(env: Record<string, string>, ...args: string[]) {
      const result = spawnSync(process.execPath, sourceArguments('apps/library-brain/src/cli.ts', args), {
        cwd: repositoryRoot(),
        env: { ...process.env, KLODY_HOME: home, ...env },
        encoding: 'utf8',
        timeout: 300_000,
      });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    it('builds the vectors in the background while answering, then relabels for the same model under another name', async () => {
      const books = join(home, 'in');
      mkdirSync(books);
      // Small books: multilingual-e5-small on one thread of a busy 2-core machine embeds about one
      // passage a second, so a shared book of 200 passages would take minutes.
      writeFileSync(join(books, 'northern-light.pdf'), pdfByHand('The Northern Light', lighthousePages()));
      writeFileSync(
        join(books, 'orchard.txt'),
        'The Orchard\n\nApples ripened in the orchard while the farmer slept under the old pear tree.\n',
      );
      writeFileSync(
        join(books, 'mill.txt'),
        `The Mill\n\n${'The miller ground the wheat into flour by the river, and the wheel turned all day. '.repeat(30)}\n`,
      );
      // Without a gateway: lexical search only, no vectors stored.
      expect(libraryBrain({ KLODY_GATEWAY_URL: 'none' }, 'ingest', books).code).toBe(0);

      const server = await startLibraryBrain(reaper, {
        home,
        env: { KLODY_GATEWAY_URL: gateway.url, KLODY_LOG_LEVEL: 'info' },
      });
      const health = async () => (await (await fetch(`${server.url}/health`)).json()) as Health;
      const ask = async () => {
        const response = await fetch(`${server.url}/api/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question: 'What did the lantern of the northern lighthouse burn?' }),
        });
        return {
          status: response.status,
          body: (await response.json()) as { refused: boolean; answer: string },
        };
      };

      await expect
        .poll(async () => (await health()).vectors.state, { timeout: 60_000, interval: 100 })
        .toBe('rebuilding');
      // Questions asked while the passages are being embedded are answered (lexically until the swap),
      // and the page shows the progress meanwhile.
      const asking = (async () => {
        let askedDuring = 0;
        while ((await health()).vectors.state === 'rebuilding') {
          const answer = await ask();
          expect(answer.status).toBe(200);
          expect(answer.body.refused).toBe(false);
          expect(answer.body.answer).toMatch(/whale oil/);
          askedDuring++;
        }
        return askedDuring;
      })();
      const context = await chromium.launchPersistentContext(
        join(home, 'chromium-profile'),
        chromiumOptions(),
      );
      try {
        const page = await context.newPage();
        await page.goto(`${server.url}/`);
        await page.locator('#vectors-status').waitFor({ state: 'visible', timeout: 10_000 });
        expect(await page.locator('#vectors-status').textContent()).toMatch(
          /^Re-embedding the books with openai:embed: \d+ of \d+ passages/,
        );
        // Once the new index is swapped in, the line goes.
        await page.locator('#vectors-status').waitFor({ state: 'hidden', timeout: 300_000 });
      } finally {
        await context.close();
      }
      expect(await asking).toBeGreaterThan(0);
      await expect.poll(async () => (await health()).vectors.state, { timeout: 300_000 }).toBe('done');
      const done = (await health()).vectors;
      expect(done).toMatchObject({ from: null, to: 'openai:embed', mode: 'rebuilt' });
      expect(done.total).toBeGreaterThan(5);
      await server.process.waitForOutput(/vectors: the index was rebuilt with openai:embed/, 10_000);
      // Hybrid search now: the answer still holds.
      expect((await ask()).body.answer).toMatch(/whale oil/);
      await server.stop();

      // The same model under its worker's name: the vectors are the same, the index is relabelled.
      const relabel = libraryBrain(
        { KLODY_GATEWAY_URL: gateway.url, KLODY_EMBED_MODEL: 'e5' },
        'reindex',
        '--json',
      );
      expect(relabel.code, relabel.stderr).toBe(0);
      expect(JSON.parse(relabel.stdout)).toMatchObject({
        vectors: { state: 'done', mode: 'relabelled', from: 'openai:embed', to: 'openai:e5' },
      });
      const again = libraryBrain(
        { KLODY_GATEWAY_URL: gateway.url, KLODY_EMBED_MODEL: 'e5' },
        'reindex',
        '--json',
      );
      expect(JSON.parse(again.stdout)).toMatchObject({ vectors: { mode: 'unchanged' } });
      const none = libraryBrain({ KLODY_GATEWAY_URL: 'none' }, 'reindex', '--json');
      expect(none.code).toBe(2);
      expect(JSON.parse(none.stdout)).toMatchObject({ error: { code: 'invalid_configuration' } });
    }, 600_000);
  },
);
