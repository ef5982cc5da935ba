import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// The shared data folder, as @klody/test-helpers finds it (KLODY_TEST_DATA, else ../shared/data).
const { KLODY_TEST_DATA: configuredData } = process.env;
export const dataDir = configuredData
  ? isAbsolute(configuredData)
    ? configuredData
    : resolve(repositoryRoot, configuredData)
  : resolve(repositoryRoot, '..', 'shared', 'data');
