export { type AnalyseOptions, analyse, detectLanguage, type Language, tokenize } from './analyser.js';
export { stopWords } from './stop-words.js';
