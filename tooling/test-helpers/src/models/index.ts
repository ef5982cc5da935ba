export { installedModel } from './installed-model.js';
export { e5WorkerEntry, gemmaEmbeddedWorkerEntry } from './worker-entries.js';
