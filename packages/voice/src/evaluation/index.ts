export { normalizeForWordErrorRate, type WordErrorRate, wordErrorRate } from './word-error-rate.js';
