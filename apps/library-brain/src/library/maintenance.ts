// `library-brain maintain`: memory's maintainDatabase on the library's file, from its own process,
// while `serve` may be answering from the same file (WAL: its readers keep their snapshot).
import {
  type DatabaseMaintenanceReport,
  type MaintainDatabaseOptions,
  type MaintenanceProgress,
  maintainDatabase,
  migrate,
} from '@klody/memory';
import type { LibraryBrainConfig } from '../config/config.js';
import { openLibraryDatabase } from '../database/open-database.js';

export type MaintenanceOptions = Pick<MaintainDatabaseOptions, 'check' | 'rebuildFullText' | 'vacuum'> & {
  onProgress?: (progress: MaintenanceProgress) => void;
};

/**
 * Checks and tidies the library's database: integrity check, full-text indexes optimized (or
 * rebuilt), the vector index's layout, VACUUM when a tenth of the file is free. No gateway is
 * needed: it opens the file on its own.
 */
export async function maintainLibrary(
  config: LibraryBrainConfig,
  options: MaintenanceOptions = {},
): Promise<DatabaseMaintenanceReport> {
  const database = openLibraryDatabase(config.databasePath);
  try {
    await migrate(database);
    return await maintainDatabase(database, options);
  } finally {
    database.close();
  }
}
