export { countChunksBySource } from './count-chunks-by-source.js';
export { buildInvertedFile, type InvertedFileOptions, invertedFileThreshold } from './inverted-file.js';
export {
  type DatabaseMaintenanceReport,
  type MaintainDatabaseOptions,
  type MaintenanceProgress,
  type MaintenanceStep,
  maintainDatabase,
} from './maintain-database.js';
export {
  type MaintainVectorIndexOptions,
  maintainVectorIndex,
  type VectorIndexMaintenance,
} from './maintain-vector-index.js';
export type { MemoryDatabase, WriteLock } from './memory-database.js';
export { type MigrationReport, migrate, readSchemaVersion } from './migrate.js';
export {
  type OpenDatabaseFileOptions,
  openDatabaseFile,
  openReadOnlyConnection,
} from './open-database-file.js';
export { readSourceSlice, type SourceSlice } from './read-source-slice.js';
export { latestSchemaVersion } from './schema.js';
export { getSourceByUri, getSourceText, listSources, type SourceRecord } from './sources.js';
export { updateSourceMetadata } from './update-source-metadata.js';
export {
  countVectors,
  getActiveVectorIndex,
  listVectorIndexes,
  type VectorIndex,
  type VectorIndexState,
} from './vector-index.js';
