import type { NumberedPassage } from '../prompt/prompt-builder.js';

export interface AnswerScore {
  /** Citation numbers found in the answer, in order of first appearance. */
  citations: number[];
  /** Citations that point at no supplied passage. */
  invalidCitations: number[];
  /** Quoted spans ("…", « … », “…”) that appear in none of the cited or supplied passages. */
  unsupportedQuotes: string[];
  /** True when the answer says the sources do not contain the answer. */
  refusal: boolean;
  /** True when every citation is valid, every quote is found, and the answer cites or refuses. */
  valid: boolean;
}

/** Checks a generated answer against the passages it was given. */
export interface Scorer {
  score(answer: string, passages: readonly NumberedPassage[]): AnswerScore;
}
