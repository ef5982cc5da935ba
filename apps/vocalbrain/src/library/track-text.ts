import type { TrackRow } from './track-store.js';

/**
 * The text @klody/memory indexes for a track: its description first (what people search for), then
 * its tags, then its words. The title is left out: a file name (`take-3-final`) says little of
 * what the track sounds like and would only add noise to the match. No labels ("Tags:") either: they
 * would be one more English word in every track, matched by every English query.
 */
export function trackText(row: Pick<TrackRow, 'description' | 'tags' | 'words'>): string {
  const tags = JSON.parse(row.tags) as string[];
  const parts = [row.description.trim()];
  if (tags.length > 0) parts.push(`${tags.join(', ')}.`);
  if (row.words && row.words.trim().length > 0) parts.push(row.words.trim());
  return parts.join('\n\n');
}
