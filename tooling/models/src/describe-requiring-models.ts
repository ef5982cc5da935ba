// The gate of this package's own real-model tests, with test-helpers' rule (`describeRequiring`, which
// this package cannot import: test-helpers depends on it): skipped with the install command when a model
// is missing on a developer's machine, run — and so failing — under CI, where a skip would hide a
// missing install step.
import { describe } from 'vitest';
import { modelsFolder, readManifest } from './model-manifest.js';
import { repositoryRoot } from './repository-root.js';

export function describeRequiringModels(names: readonly string[], title: string, body: () => void): void {
  const installed = readManifest(modelsFolder(repositoryRoot))?.models ?? [];
  const complete = names.every((name) => installed.some((model) => model.name === name));
  const continuousIntegration = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
  if (complete || continuousIntegration) {
    describe(title, body);
    return;
  }
  process.stderr.write(`[klody-models] skipping "${title}": run pnpm klody-models install\n`);
  describe.skip(title, body);
}
