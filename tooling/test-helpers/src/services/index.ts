export { startE5Gateway } from './e5-gateway.js';
export {
  type GatewayProcess,
  type GatewayProcessOptions,
  type GatewayWorkerEntry,
  startGatewayProcess,
} from './gateway-process.js';
export {
  type LibraryBrainOptions,
  type LibraryBrainProcess,
  startLibraryBrain,
} from './library-brain-process.js';
export { sourceArguments } from './source-arguments.js';
export { startVocalBrain, type VocalBrainProcess } from './vocalbrain-process.js';
