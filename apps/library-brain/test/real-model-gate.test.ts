// The quality gate with generation for real: the gateway's command (a real process) serves Gemma 3
// 270M on its embedded node-llama-cpp worker, and Library Brain's gate asks it to answer a fixed
// sample of the pinned questions from the shared books. The package's GGUF is Gemma 3 270M *base*
// (no instruction tuning): it mostly continues the prompt instead of answering, so this test asserts
// the machinery and the citation invariant — every question reaches the model or is refused on weak
// evidence, and no citation is shown as valid that is not — and reports the quality figures (printed,
// and written as JSON beside the Markdown report) without a target the model cannot reach.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayProcess, testDataPath } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { GateAnswer, GateFigures } from '../src/gate/run-gate.js';
import { runGate } from '../src/gate/run-gate.js';
import { gemmaLibraryConfig, startGemmaGateway } from './support/gemma-gateway.js';

// Ten questions: two from each of the five groups (sampleQuestions). On 2 cores one answer takes
// about 10 s (a ~1,000-token prompt read, then up to 96 tokens), so the whole set of 132 would take
// over 20 minutes; ten keep the test near two minutes while every kind of question is asked.
const sample = 10;
// Codes that mean the gateway or its worker failed, as opposed to the model answering badly.
const gatewayFailures = ['gateway_unreachable', 'gateway_error', 'gateway_timeout'];

interface GateReport extends GateFigures {
  regressions: string[];
  passed: boolean;
  answers: GateAnswer[];
}

describeRequiring(
  { models: ['gemma-3-270m'], data: ['books/en/11-0.txt', 'books/fr/Candide.txt'] },
  'the quality gate generating with Gemma 3 270M through the gateway',
  () => {
    const reaper = useProcessReaper();
    const home = mkdtempSync(join(tmpdir(), 'klody-real-gate-'));
    let gateway: GatewayProcess | undefined;
    let gatewayURL = '';

    beforeAll(async () => {
      gateway = await startGemmaGateway(reaper, home);
      gatewayURL = gateway.url;
    }, 90_000);

    afterAll(() => gateway?.stop(), 40_000);

    it(`answers ${sample} questions with Gemma, showing no invalid citation, and reports the figures`, async () => {
      const report = join(home, 'gate-report.md');
      const config = gemmaLibraryConfig(home, gatewayURL);
      const output = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const started = performance.now();
      try {
        await runGate(
          config,
          { generate: true, sample, updateBaseline: false, report, json: true, books: testDataPath('books') },
          { log: () => {} },
        );
      } finally {
        output.mockRestore();
      }
      const seconds = (performance.now() - started) / 1000;
      const figures = JSON.parse(readFileSync(join(home, 'gate-report.json'), 'utf8')) as GateReport;
      const generation = figures.generation;
      if (!generation) throw new Error('the gate measured no generation');
      const summary = {
        model: 'gemma-3-270m (base) through the gateway, embedded worker, 1 thread, context 2048',
        seconds: Math.round(seconds),
        ...generation,
        report: join(home, 'gate-report.json'),
      };
      console.log(`[real-model gate] ${JSON.stringify(summary)}`);
      for (const answer of figures.answers)
        console.log(
          `[real-model gate] ${answer.id}: ${answer.mode}${answer.refused ? ', refused' : ''}${answer.fallback ? `, fallback ${answer.fallback}` : ''}: ${JSON.stringify(answer.answer.slice(0, 160))}`,
        );

      expect(generation.questions).toBe(sample);
      expect(figures.answers).toHaveLength(sample);
      // The invariant: no citation shown as valid that is not (the gate's own check of what is shown).
      expect(generation.invalidCitations).toBe(0);
      for (const answer of figures.answers) expect(answer.invalidCitations).toBe(0);
      expect(figures.regressions.filter((line) => line.includes('invalid citations'))).toEqual([]);
      // The machinery: the gateway served every question the evidence let through — no fallback for
      // a failing, unreachable or too slow gateway — and the model's text reached the answer path
      // (shown, or replaced for a reason the scorer gave).
      for (const code of gatewayFailures) expect(generation.fallbacks?.[code] ?? 0).toBe(0);
      const reachedModel = figures.answers.filter(
        (answer) =>
          answer.mode === 'generated' ||
          (answer.fallback !== null && !gatewayFailures.includes(answer.fallback)),
      ).length;
      expect(reachedModel).toBeGreaterThan(0);
      // A replaced answer is the extractive one, citing what it lists; a refusal cites nothing.
      for (const answer of figures.answers) {
        if (answer.fallback) expect(answer.mode).toBe('extractive');
        if (answer.refused) expect(answer.citations).toEqual([]);
        else expect(answer.citations.length).toBeGreaterThan(0);
      }
    }, 900_000);
  },
);
