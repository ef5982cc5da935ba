export {
  createIngester,
  type Ingester,
  type IngesterOptions,
  type IngestOptions,
  type IngestProgress,
  type IngestReport,
  type SourceDocument,
} from './ingester.js';
