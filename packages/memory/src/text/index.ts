export { canonicalText, contentHash } from './content-hash.js';
export {
  type NormaliseOptions,
  type NormalizeOptions,
  normaliseText,
  normalizeText,
  stripGutenberg,
} from './normalize.js';
export { estimateTokens } from './tokens.js';
