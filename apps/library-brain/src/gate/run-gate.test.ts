import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { expect, it, vi } from 'vitest';
import { readConfig } from '../config/config.js';
import type { Library } from '../library/library.js';
import { runGate } from './run-gate.js';

const books = testDataPath('books');
// A gate run ingests the shared books and asks some 450 questions (the hand-written ones included):
// about 35 s on 2 shared cores, more when they are busy.
const gateRunMs = 180_000;

function options(report: string, generate = false) {
  return { generate, updateBaseline: false, report, json: true, books };
}

describeRequiring({ data: ['books/en/11-0.txt', 'books/fr/Candide.txt'] }, 'the quality gate', () => {
  it(
    'passes against the committed baseline, answers included',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'klody-gate-'));
      const output = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        const code = await runGate(
          readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' }),
          options(join(home, 'report.md')),
          {
            log: () => {},
          },
        );
        expect(code).toBe(0);
        const printed = JSON.parse(String(output.mock.calls.at(-1)?.[0])) as {
          passed: boolean;
          retrieval: Record<string, unknown>;
        };
        expect(printed.passed).toBe(true);
        expect(Object.keys(printed.retrieval)).toEqual(
          expect.arrayContaining(['all', 'books-en', 'books-fr', 'xquad', 'piaf']),
        );
        // The hand-written questions in their own groups, apart from the old ones.
        expect(Object.keys(printed.retrieval)).toEqual(
          expect.arrayContaining(['books-tuning-en', 'books-report-fr', 'cross-lingual', 'filters']),
        );
      } finally {
        output.mockRestore();
      }
    },
    gateRunMs,
  );

  it('refuses to record a baseline from a sample of the questions', async () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-gate-'));
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await runGate(
        readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' }),
        { ...options(join(home, 'report.md'), true), sample: 10, updateBaseline: true },
        { log: () => {}, baselinePath: join(home, 'baseline.json') },
      );
      expect(code).toBe(2);
      expect(String(errors.mock.calls.at(-1)?.[0])).toContain('drop --sample');
    } finally {
      errors.mockRestore();
    }
  });

  it(
    'fails on a deliberately degraded retriever, naming what regressed',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'klody-gate-'));
      // Degraded on purpose: the best ten passages are thrown away and the next ones returned.
      const degrade = (library: Library): Library => ({
        ...library,
        search: async (query, searchOptions) =>
          (await library.search(query, { ...searchOptions, k: 20 })).slice(10),
      });
      const output = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        const report = join(home, 'report.md');
        const code = await runGate(
          readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' }),
          options(report),
          {
            wrapLibrary: degrade,
            log: () => {},
          },
        );
        expect(code).toBe(1);
        const markdown = readFileSync(report, 'utf8');
        expect(markdown).toContain('Result: **regression**');
        expect(markdown).toMatch(/all recall@5: [\d.]+ < baseline/);
      } finally {
        output.mockRestore();
      }
    },
    gateRunMs,
  );
});
