export { type InstallModelsOptions, installModels } from './install-models.js';
export {
  type InstallPythonClientsOptions,
  installPythonClients,
  type PythonClientsInstall,
  pythonClientsRequirements,
} from './install-python-clients.js';
export { type CatalogueModel, catalogue, findCatalogueModel, type ModelKind } from './model-catalogue.js';
export { ModelInstallError } from './model-install-error.js';
export {
  type Manifest,
  type ManifestModel,
  manifestPath,
  manifestSchema,
  modelsFolder,
  readManifest,
  writeManifest,
} from './model-manifest.js';
export {
  normalizePackageName,
  type PinnedRequirement,
  parsePinnedRequirements,
  type UnsatisfiedRequirement,
  unsatisfiedRequirements,
} from './pinned-requirements.js';
export {
  type PythonClientsManifest,
  pythonClientsFolder,
  pythonClientsManifestPath,
  pythonClientsManifestSchema,
  pythonClientsPython,
  readPythonClientsManifest,
  writePythonClientsManifest,
} from './python-clients-manifest.js';
