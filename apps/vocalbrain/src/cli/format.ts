import type { FoundTrack, Track } from '../library/index.js';

const seconds = (value: number) => `${value.toFixed(1)} s`;

/** A track in a few lines, for people (the audio URL is relative to the server). */
export function formatTrack(track: Track | FoundTrack): string {
  const rank = 'rank' in track ? `${track.rank}. ` : '';
  const lines = [
    `${rank}#${track.id} ${track.title} (${track.format}, ${seconds(track.duration)})`,
    `   ${track.description}`,
  ];
  if (track.tags.length > 0) lines.push(`   tags: ${track.tags.join(', ')}`);
  if (track.words) lines.push(`   words: “${track.words}”`);
  lines.push(`   ${track.audioUrl}`);
  return `${lines.join('\n')}\n`;
}
