// A chapter summarised by map-reduce with a real chat model: the gateway's command (a real process)
// serves Gemma 3 270M on its embedded worker, and Library Brain asks it to summarise each group of
// a chapter's passages, then to combine the summaries. Gemma 3 270M is a *base* model: it continues
// text rather than following instructions, so most of its summaries fail the citation check and
// are replaced by the group's key sentences. This test asserts the contract, not the model's
// quality: the summary is cited, every [n] names a citation whose offsets give its text in the
// book, every citation is inside the chapter, progress goes through every group, and a summary
// that fell back says why. What the model wrote is printed, for the report.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayProcess, testDataPath } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLibrary } from '../src/library/create-library.js';
import type { Answer, Library, WholeBookProgress } from '../src/library/library.js';
import { gemmaLibraryConfig, startGemmaGateway } from './support/gemma-gateway.js';

const gatewayFailures = ['gateway_unreachable', 'gateway_error', 'gateway_timeout'];

describeRequiring(
  { models: ['gemma-3-270m'], data: ['books/en/11-0.txt'] },
  'a chapter summarised by map-reduce with Gemma 3 270M through the gateway',
  () => {
    const reaper = useProcessReaper();
    const home = mkdtempSync(join(tmpdir(), 'klody-whole-book-gemma-'));
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

    it('summarises chapter 3 of Alice: cited from the chapter, every group in the progress, fallbacks explained', async () => {
      const current = library as Library;
      const chapters = await current.ask('List the chapters of Alice');
      const chapterStart = chapters.citations[2]?.start ?? 0;
      const chapterEnd = chapters.citations[3]?.start ?? 0;
      expect(chapterEnd).toBeGreaterThan(chapterStart);

      const progress: WholeBookProgress[] = [];
      const started = performance.now();
      const answer: Answer = await current.ask('Summarise chapter 3 of Alice', {
        onProgress: (entry) => progress.push(entry),
      });
      const seconds = (performance.now() - started) / 1000;

      expect(answer.refused).toBe(false);
      expect(answer.answer).toMatch(/^CHAPTER III\. A Caucus-Race and a Long Tale/);
      expect(answer.citations.length).toBeGreaterThan(0);
      for (const citation of answer.citations) {
        expect(current.passage(citation.bookId, citation.start, citation.end, 0)?.text).toBe(citation.text);
        expect(citation.start).toBeGreaterThanOrEqual(chapterStart);
        expect(citation.start).toBeLessThan(chapterEnd);
      }
      const numbers = new Set(answer.citations.map((citation) => citation.n));
      const markers = [...answer.answer.matchAll(/\[(\d+)(?:,\s*(\d+))*\]/g)].flatMap((match) =>
        match.slice(1).filter(Boolean).map(Number),
      );
      expect(markers.length).toBeGreaterThan(0);
      for (const marker of markers) expect(numbers.has(marker)).toBe(true);

      // Every group of passages went through the model, and the progress said so.
      const summarising = progress.filter((entry) => entry.stage === 'summarising');
      const groups = summarising[0]?.total ?? 0;
      expect(groups).toBeGreaterThan(1);
      expect(summarising.at(-1)).toEqual({ stage: 'summarising', done: groups, total: groups });
      // The gateway answered: any fallback is the model's writing failing the checks, said as such.
      if (answer.fallback) expect(gatewayFailures).not.toContain(answer.fallback.code);
      if (answer.mode === 'extractive') expect(answer.fallback).not.toBeNull();

      const report = {
        seconds: Math.round(seconds),
        groups,
        mode: answer.mode,
        fallback: answer.fallback,
        citations: answer.citations.length,
        progress,
        answer: answer.answer,
      };
      writeFileSync(join(home, 'whole-book-gemma-report.json'), JSON.stringify(report, null, 2));
      console.log(`whole-book summary with Gemma 3 270M:\n${JSON.stringify(report, null, 2)}`);
    }, 600_000);
  },
);
