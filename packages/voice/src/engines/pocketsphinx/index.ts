export { buildJsgfGrammar, phraseWords } from './jsgf-grammar.js';
export {
  createPocketsphinxSpeechToText,
  type PocketsphinxOptions,
  pocketsphinxArguments,
} from './pocketsphinx.js';
export { parsePocketsphinxOutput } from './pocketsphinx-output.js';
