import type { Reporter, TestModule } from 'vitest/node';

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Counts the tests of a finished run by their final state. */
export function countTests(modules: readonly Pick<TestModule, 'children'>[]): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const module of modules) {
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') counts.passed++;
      else if (state === 'failed') counts.failed++;
      else counts.skipped++;
    }
  }
  return counts;
}

/** The closing line CI systems read: `Tests: 25 passed, 0 failed, 1 skipped`. */
export function formatSummaryLine(counts: TestCounts): string {
  return `Tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
}

/**
 * Prints one plain closing line after vitest's own summary, so that a CI log says how many tests
 * ran in a form any log reader understands (vitest's summary is decorated and multi-line).
 */
export class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    process.stdout.write(`${formatSummaryLine(countTests(testModules))}\n`);
  }
}
