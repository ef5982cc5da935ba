import type { Database } from 'better-sqlite3';
import { getSourceByUri, getSourceText } from '../store/sources.js';
import { codeCitation } from './line-range.js';

/**
 * The `path:40-62` citation of a retrieved chunk (or any range) of a code source, read from the
 * database; null when the source is gone or is not code (`kind: 'code'`), so a caller labels other
 * sources its own way.
 */
export function readCodeCitation(
  connection: Database,
  range: { sourceUri: string; start: number; end: number },
): string | null {
  const source = getSourceByUri(connection, range.sourceUri);
  if (source?.metadata.kind !== 'code') return null;
  const text = getSourceText(connection, source.id);
  return text === null ? null : codeCitation(source.metadata, text, range.start, range.end);
}
