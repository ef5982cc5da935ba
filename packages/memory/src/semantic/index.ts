export {
  createSemanticMemory,
  type Fact,
  type RecalledFact,
  type RememberResult,
  type SemanticMemory,
  type SemanticMemoryOptions,
} from './semantic-memory.js';
