export { ConfigurationError } from '@klody/service';
export { type LibraryBrainConfig, readConfig } from './config/config.js';
export { type ApiErrorCode, statusByCode } from './http/api-error.js';
export { type CreateAppOptions, createApp, jsonBodyLimitBytes } from './http/create-app.js';
export { type RunningServer, type StartServerOptions, startServer } from './http/start-server.js';
export { type CreateLibraryOptions, createLibrary } from './library/create-library.js';
export type {
  Answer,
  AnswerFallback,
  AnswerFallbackCode,
  Book,
  Citation,
  GatewayHealth,
  GatewayState,
  IngestionState,
  IngestProgress,
  IngestSummary,
  Library,
  Passage,
  PassageContext,
} from './library/library.js';
export { createLibraryMcpServer, type LibraryMcpDependencies } from './mcp/index.js';
