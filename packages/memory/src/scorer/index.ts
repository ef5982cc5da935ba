export { createCitationScorer } from './citation-scorer.js';
export type { AnswerScore, Scorer } from './scorer.js';
