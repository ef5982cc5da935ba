// Vitest glue for the helpers: describe blocks gated on requirements, and processes reaped after
// each test even when it fails.
import type { SpawnOptions } from 'node:child_process';
import { afterAll, describe, it, onTestFinished } from 'vitest';
import { createProcessReaper, type ProcessReaper, type ReapedProcess } from './processes/index.js';
import { decideRequirements, type Requirements } from './requirements/index.js';

/**
 * `describe` that runs when `requirements` are met; otherwise it is skipped with the reason in its
 * name on a developer's machine, and fails under `CI=true`.
 */
export function describeRequiring(requirements: Requirements, name: string, body: () => void): void {
  const decision = decideRequirements(requirements);
  if (decision.action === 'run') {
    describe(name, body);
  } else if (decision.action === 'skip') {
    process.stderr.write(`[test-helpers] skipping "${name}": ${decision.reason}\n`);
    describe.skip(`${name} [skipped: ${decision.reason}]`, body);
  } else {
    describe(name, () => {
      it('has the data and tools it needs', () => {
        throw new Error(`missing under CI=true (CI must install it): ${decision.reason}`);
      });
    });
  }
}

/**
 * A process reaper for the enclosing file or describe block: every process it started is stopped
 * after the block, whatever the tests did.
 */
export function useProcessReaper(): ProcessReaper {
  const reaper = createProcessReaper();
  afterAll(() => reaper.reapAll());
  return reaper;
}

/** Spawns a process that is stopped (with its children) when the current test finishes, pass or fail. */
export function spawnForTest(
  command: string,
  args: readonly string[] = [],
  options: SpawnOptions = {},
): ReapedProcess {
  const reaper = createProcessReaper();
  const reaped = reaper.spawn(command, args, options);
  onTestFinished(() => reaper.reapAll());
  return reaped;
}
