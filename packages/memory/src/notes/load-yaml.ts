import { lazyImport } from '../lazy/lazy-import.js';

// The YAML parser took about 100 ms to import on a shared core: `import '@klody/memory'` must not
// pay that (root-import.test.ts checks it), so it is imported by the first note with front matter.
// (Beside the other heavy modules of lazy/heavy-modules.ts; kept here so the notes stay one folder.)

/** The `yaml` package, imported on first use. */
export const loadYaml = lazyImport(() => import('yaml'));
