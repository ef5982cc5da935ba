export { canonicalText, contentHash } from './content-hash.js';
export { type NormaliseOptions, normaliseText, stripGutenberg } from './normalise.js';
export { estimateTokens } from './tokens.js';
