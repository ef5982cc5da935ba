import { type ManifestModel, modelsFolder, readManifest } from '@klody/models';
import { repositoryRoot } from '../data/test-data.js';

/**
 * A model `pnpm klody-models install` put under .tools/models (its file, programs, sha256); throws
 * when it is not there — gate the test with `describeRequiring({ models: [name] })` first.
 */
export function installedModel(name: string, environment: NodeJS.ProcessEnv = process.env): ManifestModel {
  const model = readManifest(modelsFolder(repositoryRoot(), environment))?.models.find(
    (entry) => entry.name === name,
  );
  if (!model) throw new Error(`model ${name} is not installed (run: pnpm klody-models install)`);
  return model;
}
