export {
  type Answer,
  type Answerer,
  type AnswererOptions,
  type AnswerFallback,
  type AnswerOptions,
  type Citation,
  createAnswerer,
} from './answerer.js';
export { calibrateRefusal, defaultRefusalThreshold, type RefusalSample } from './calibrate-refusal.js';
export {
  type AcrossLanguagesOptions,
  type CrossLingualEvidence,
  type EvidenceBasis,
  embedsAcrossLanguages,
  type MeasuredEvidence,
  type MeasureEvidenceInput,
  measureEvidence,
  type QuestionTranslation,
  readSourceLanguages,
  retrieveAcrossLanguages,
  similarSentences,
  sourcesInLanguage,
} from './cross-lingual-evidence.js';
export { echoesInstructions } from './echoed-instructions.js';
export { coverage, type EvidenceTerms, evidenceTerms } from './evidence.js';
export {
  type ExtractedSentence,
  type ExtractiveAnswerOptions,
  extractiveAnswer,
  withBalancedQuotes,
} from './extractive-answer.js';
export {
  checkTranslation,
  cleanTranslation,
  type TranslationCheck,
  type TranslationRejection,
  translationMessages,
} from './question-translation.js';
export { type EvidenceChunk, retrievalEvidence } from './retrieval-evidence.js';
