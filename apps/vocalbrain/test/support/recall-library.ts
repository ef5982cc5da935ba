import type { RecallSet } from '../../src/library/recall-evaluation.js';
import type { TrackLibrary } from '../../src/library/track.js';
import { toneClip } from './tone-clip.js';

/** Adds the recall set's tracks (tone clips with the set's descriptions); returns name → id. */
export async function addRecallTracks(library: TrackLibrary, set: RecallSet): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const track of set.tracks) {
    const added = await library.add({
      bytes: toneClip(track.notes),
      fileName: `${track.name}.wav`,
      description: track.description,
      tags: track.tags,
    });
    ids.set(track.name, added.id);
  }
  return ids;
}
