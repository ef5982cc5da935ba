import { describe, expect, it } from 'vitest';
import { countTests, formatSummaryLine } from './summary-line-reporter.js';

// A fake of vitest's TestModule: only the part the reporter reads.
function fakeModule(states: string[]) {
  return {
    children: {
      allTests: () => states.map((state) => ({ result: () => ({ state }) })),
    },
  } as unknown as Parameters<typeof countTests>[0][number];
}

describe('summary line', () => {
  it('counts passed, failed and skipped tests across modules', () => {
    const counts = countTests([
      fakeModule(['passed', 'failed', 'skipped']),
      fakeModule(['passed', 'pending']),
    ]);
    expect(counts).toEqual({ passed: 2, failed: 1, skipped: 2 });
  });

  it('prints the plain closing line', () => {
    expect(formatSummaryLine({ passed: 25, failed: 0, skipped: 1 })).toBe(
      'Tests: 25 passed, 0 failed, 1 skipped',
    );
  });
});
