import { MemoryError } from '../errors/index.js';
import type { SearchRequest } from '../retriever/search.js';

/** The lexical list an evaluation ranks with: ours (with option overrides), or plain FTS5 porter. */
export type LexicalSetting =
  | { kind: 'ours'; options: NonNullable<SearchRequest['lexical']> }
  | { kind: 'plain' };

const numberKeys = [
  'truncatedMatchWeight',
  'exactFormWeight',
  'phraseWeight',
  'proximityWeight',
  'maxDocumentFraction',
  'rescoreDepth',
] as const;
const booleanKeys = ['proximity', 'fuzzy'] as const;

/**
 * `--lexical`: `default`, `plain` (FTS5 porter BM25 baseline), or overrides of our options such as
 * `phraseWeight=0,exactFormWeight=0` (the ablations of packages/memory/README.md).
 */
export function parseLexicalSetting(value: string): LexicalSetting {
  if (value === 'plain') return { kind: 'plain' };
  const options: Record<string, number | boolean> = {};
  if (value !== 'default') {
    for (const part of value.split(',')) {
      const [key, raw] = part.split('=').map((piece) => piece.trim()) as [string, string | undefined];
      if ((numberKeys as readonly string[]).includes(key)) {
        const number = Number(raw);
        if (raw === undefined || !Number.isFinite(number) || number < 0)
          throw new MemoryError('invalid_argument', `--lexical ${key} needs a number ≥ 0`);
        options[key] = number;
      } else if ((booleanKeys as readonly string[]).includes(key)) {
        if (raw !== 'true' && raw !== 'false')
          throw new MemoryError('invalid_argument', `--lexical ${key} needs true or false`);
        options[key] = raw === 'true';
      } else {
        throw new MemoryError(
          'invalid_argument',
          `--lexical: unknown "${part}" (plain, default, or ${[...numberKeys, ...booleanKeys].join(', ')} = value)`,
        );
      }
    }
  }
  return { kind: 'ours', options };
}
