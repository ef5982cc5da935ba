export { type InstallModelsOptions, installModels, ModelInstallError } from './install-models.js';
export { type CatalogueModel, catalogue, findCatalogueModel, type ModelKind } from './model-catalogue.js';
export {
  type Manifest,
  type ManifestModel,
  manifestPath,
  manifestSchema,
  modelsFolder,
  readManifest,
  writeManifest,
} from './model-manifest.js';
