export { spellOutSymbols } from './spoken-symbols.js';
export { normalizeForWordErrorRate, type WordErrorRate, wordErrorRate } from './word-error-rate.js';
