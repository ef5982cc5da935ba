// The gate of this package's own real-install tests, with test-helpers' rule (`describeRequiring`,
// which this package cannot import: test-helpers depends on it): skipped with the install command when
// something is missing on a developer's machine, run — and so failing — under CI, where a skip would
// hide a missing install step.
import { existsSync } from 'node:fs';
import { describe } from 'vitest';
import { modelsFolder, readManifest } from './model-manifest.js';
import {
  pythonClientsFolder,
  pythonClientsPython,
  readPythonClientsManifest,
} from './python-clients-manifest.js';
import { repositoryRoot } from './repository-root.js';

function describeWhen(installed: boolean, title: string, body: () => void): void {
  const continuousIntegration = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
  if (installed || continuousIntegration) {
    describe(title, body);
    return;
  }
  process.stderr.write(`[klody-models] skipping "${title}": run pnpm klody-models install\n`);
  describe.skip(title, body);
}

export function describeRequiringModels(names: readonly string[], title: string, body: () => void): void {
  const installed = readManifest(modelsFolder(repositoryRoot))?.models ?? [];
  describeWhen(
    names.every((name) => installed.some((model) => model.name === name)),
    title,
    body,
  );
}

/** For tests of the Python clients' environment (.tools/python-clients), once installed. */
export function describeRequiringPythonClients(title: string, body: () => void): void {
  const folder = pythonClientsFolder(repositoryRoot);
  describeWhen(
    existsSync(pythonClientsPython(folder)) && readPythonClientsManifest(folder) !== null,
    title,
    body,
  );
}
