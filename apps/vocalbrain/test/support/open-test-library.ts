import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabaseFile } from '@klody/memory';
import {
  createTrackLibrary,
  type EmbedderSource,
  fixedEmbedderSource,
  type TrackLibrary,
  type TrackTranscriber,
} from '../../src/library/index.js';

export interface TestLibrary {
  library: TrackLibrary;
  home: string;
  audioFolder: string;
  databasePath: string;
  close(): Promise<void>;
}

/** A track library on a real SQLite file in a fresh folder, removed by `close`. */
export async function openTestLibrary(
  options: {
    embedders?: EmbedderSource;
    transcriber?: TrackTranscriber | null;
    ffmpeg?: string | null;
    mode?: 'hybrid' | 'vector';
  } = {},
): Promise<TestLibrary> {
  const home = mkdtempSync(join(tmpdir(), 'vocalbrain-library-'));
  const databasePath = join(home, 'vocalbrain.db');
  const database = openDatabaseFile(databasePath);
  const audioFolder = join(home, 'library');
  const library = await createTrackLibrary({
    database,
    audioFolder,
    embedders: options.embedders ?? fixedEmbedderSource(null),
    transcriber: options.transcriber ?? null,
    ...(options.ffmpeg !== undefined ? { ffmpeg: options.ffmpeg } : {}),
    ...(options.mode ? { mode: options.mode } : {}),
  });
  return {
    library,
    home,
    audioFolder,
    databasePath,
    async close() {
      await library.close();
      database.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
