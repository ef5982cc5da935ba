import { createHash } from 'node:crypto';

/** The text as hashed for identity: NFC, runs of white space folded to one space, trimmed. */
export function canonicalText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** sha256 hex of the canonical text: equal for texts that differ only in spacing or line ends. */
export function contentHash(text: string): string {
  return createHash('sha256').update(canonicalText(text)).digest('hex');
}
