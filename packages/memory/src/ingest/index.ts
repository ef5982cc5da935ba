export {
  createIngester,
  type Ingester,
  type IngesterOptions,
  type IngestFailure,
  type IngestOptions,
  type IngestProgress,
  type IngestReport,
  type IngestSkip,
  type SourceDocument,
} from './ingester.js';
