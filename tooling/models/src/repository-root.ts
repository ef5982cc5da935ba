import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: requirements.txt and the default models folder are found from it. */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
