export type { MetadataValue, ScalarMetadataValue, SourceMetadata } from './metadata-value.js';
