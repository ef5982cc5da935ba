export { type Breakage, type PublishBrokenCopyOptions, publishBrokenCopy } from './broken-copy.js';
export {
  type ConsumerCheck,
  type ConsumerOutput,
  checkConsumer,
  type PrintedChunk,
} from './check-consumer.js';
export {
  addConsumerProgram,
  type ConsumerProject,
  type CreateConsumerProjectOptions,
  createConsumerProject,
  npmInstall,
  readDefaultRegistry,
} from './consumer-project.js';
