export { ConfigurationError, type LibraryBrainConfig, readConfig } from './config/config.js';
export { type CreateAppOptions, createApp, jsonBodyLimitBytes } from './http/create-app.js';
export { type CreateLibraryOptions, createLibrary } from './library/create-library.js';
export type {
  Answer,
  Book,
  Citation,
  IngestionState,
  IngestProgress,
  IngestSummary,
  Library,
  Passage,
  PassageContext,
} from './library/library.js';
