export { compareEmbedders, cosine, type EmbedderComparison } from './compare-embedders.js';
export {
  migrateVectorIndex,
  type VectorIndexMigration,
  type VectorIndexMigrationOptions,
} from './migrate-vector-index.js';
