export { installedModel } from './installed-model.js';
export { e5WorkerEntry, gemmaEmbeddedWorkerEntry, voiceWorkerEntry } from './worker-entries.js';
