export {
  createEngineMemoryStore,
  type EngineMemoryRecord,
  type EngineMemoryStore,
  engineProcessPattern,
  measureWhile,
} from './engine-memory.js';
export {
  decideHeavy,
  defaultHeavyEngines,
  type HeavyDecision,
  type HeavyEngineRules,
} from './heavy-engines.js';
export {
  type MemoryReserver,
  type WaitForMemoryOptions,
  type WaitForMemoryResult,
  waitForMemory,
} from './memory-reservation.js';
export { descendantMemory, type ProcessMemory, readProcessMemory } from './process-memory.js';
