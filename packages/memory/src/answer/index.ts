export {
  type Answer,
  type Answerer,
  type AnswererOptions,
  type AnswerFallback,
  type AnswerOptions,
  type Citation,
  createAnswerer,
} from './answerer.js';
export { calibrateRefusal, type RefusalSample } from './calibrate-refusal.js';
export { coverage, type EvidenceTerms, evidenceTerms } from './evidence.js';
export { type ExtractedSentence, extractiveAnswer } from './extractive-answer.js';
export { type EvidenceChunk, retrievalEvidence } from './retrieval-evidence.js';
